using DocPipeline.Configuration;
using Microsoft.Extensions.Options;

namespace DocPipeline.WebHost;

/// <summary>
/// A second DocPipeline container over the same data folder, opened read-only (<c>DocPipeline:ReadOnly</c>): pages and
/// read-only API calls (search, documents, stats, monitor, verify) go through it, so they work beside another process
/// that writes the folder (a <c>docpipe batch</c>), which holds the indexes' write locks, and see its last commit.
/// Changes go through the host's own container.
/// </summary>
public sealed class ReadSide : IAsyncDisposable
{
    private readonly Lazy<ServiceProvider> _provider;

    /// <summary>Initializes a new instance of the <see cref="ReadSide"/> class from the host's configuration and options.</summary>
    public ReadSide(IConfiguration configuration, IOptions<DocPipelineOptions> options, ILoggerFactory loggerFactory)
    {
        var data = options.Value.DataDirectory;
        _provider = new Lazy<ServiceProvider>(() => WebHostEmbedder.Build(configuration, loggerFactory, data, readOnly: true));
    }

    /// <summary>Gets a service of the read-only container.</summary>
    public T Get<T>()
        where T : notnull => _provider.Value.GetRequiredService<T>();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _provider.IsValueCreated ? _provider.Value.DisposeAsync() : ValueTask.CompletedTask;
}

/// <summary>The embedder of both containers: <c>Embedder=hash</c> for the hashing embedder, else the local MiniLM model.</summary>
internal static class WebHostEmbedder
{
    /// <summary>Builds a DocPipeline container over <paramref name="data"/>, read-only or writing, with DocPipeline's health check.</summary>
    public static ServiceProvider Build(IConfiguration configuration, ILoggerFactory loggerFactory, string data, bool readOnly)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton(loggerFactory);
        services.AddLogging();
        services.AddHealthChecks().AddDocPipeline();
        Use(services.AddDocPipeline(), configuration);
        services.PostConfigure<DocPipelineOptions>(o =>
        {
            o.DataDirectory = data;
            o.ReadOnly = readOnly;
        });
        return services.BuildServiceProvider();
    }

    public static void Use(IDocPipelineBuilder pipeline, IConfiguration configuration)
    {
        if (configuration["Embedder"] == "hash")
        {
            pipeline.UseHashingEmbeddings();
        }
        else
        {
            pipeline.UseMiniLmEmbeddings();
        }
    }
}
