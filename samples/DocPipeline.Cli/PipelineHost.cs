using DocPipeline.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DocPipeline.Cli;

/// <summary>Builds the DocPipeline container for one command: the data folder, the embedder, and logs on stderr.</summary>
internal static class PipelineHost
{
    /// <summary>Gets a value indicating whether <c>DOCPIPE_DEBUG</c> asks for detailed logs, as <c>--verbose</c> does.</summary>
    public static bool DebugRequested => Environment.GetEnvironmentVariable("DOCPIPE_DEBUG") is "1" or "true";

    /// <summary>Builds the container; <paramref name="readOnly"/> opens the data folder beside a process that writes it (see DocPipelineOptions.ReadOnly).</summary>
    /// <remarks>Commands that only read (search, list, stats, verify, status, jobs, monitor) pass <see langword="true"/>.</remarks>
    public static async Task<ServiceProvider> BuildAsync(string dataDirectory, IConfiguration configuration, string? embedder, bool verbose, CancellationToken cancellationToken, bool readOnly = false)
    {
        var choice = embedder ?? EmbedderChoice.FromConfiguration(configuration) ?? await RecordedEmbedderAsync(dataDirectory, cancellationToken) ?? EmbedderChoice.MiniLm;
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging(logging =>
        {
            // Verbose: the standard lines with stack traces; otherwise one short line per warning or error.
            if (verbose)
            {
                logging.AddSimpleConsole(o => o.SingleLine = true).AddFilter(level => level >= LogLevel.Information);
            }
            else
            {
                logging.Services.AddSingleton<CliLogFormatter.HeldErrors>();
                logging.AddConsole(o => o.FormatterName = CliLogFormatter.FormatterName)
                    .AddConsoleFormatter<CliLogFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>()
                    .AddFilter(level => level >= LogLevel.Warning);
            }

            logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        var pipeline = services.AddDocPipeline(o =>
        {
            o.DataDirectory = dataDirectory;
            o.ReadOnly = readOnly;

            // Ctrl-C gives running jobs back at once rather than letting them run on for the default grace period.
            o.Queue.ShutdownTimeout = TimeSpan.Zero;
        });
        if (choice == EmbedderChoice.Hash)
        {
            pipeline.UseHashingEmbeddings();
        }
        else if (choice == EmbedderChoice.OpenAI)
        {
            pipeline.UseOpenAIEmbeddings();
        }
        else
        {
            pipeline.UseMiniLmEmbeddings();
        }

        // A "qdrant:" section in the configuration file (DocPipeline:Qdrant) moves the vector index to that server.
        if (configuration.GetSection(DocPipeline.Qdrant.QdrantVectorIndexOptions.SectionName).Exists())
        {
            pipeline.UseQdrant();
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
    }

    /// <summary>Reads which embedder the data folder was built with, so later commands use it without being told.</summary>
    private static async Task<string?> RecordedEmbedderAsync(string dataDirectory, CancellationToken cancellationToken) =>
        EmbedderChoice.FromRecorded(await ReadSettingAsync(dataDirectory, RegistrySettings.Embedder, cancellationToken));

    /// <summary>Reads a registry setting of the data folder before the command's own container is built, or <see langword="null"/>.</summary>
    public static async Task<string?> ReadSettingAsync(string dataDirectory, string key, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "registry.db")))
        {
            return null;
        }

        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = dataDirectory);
        await using var provider = services.BuildServiceProvider();
        try
        {
            return await provider.GetRequiredService<ISettingsStore>().GetSettingAsync(key, cancellationToken);
        }
        catch (DocPipelineStorageException)
        {
            // A registry that cannot be opened (corrupt, or refused beside stores that hold data) is reported by the
            // command that needs it; restoring it or rebuilding it must still get this far.
            return null;
        }
    }
}
