using System.CommandLine;
using DocPipeline.Configuration;
using Microsoft.Extensions.Configuration;

namespace DocPipeline.Cli.Configuration;

/// <summary>
/// docpipe's configuration, the .NET way, from lowest to highest precedence: the built-in defaults; the YAML file
/// given by <c>--config</c>, or else <c>docpipe.yaml</c> or <c>config.yaml</c> in the working directory; section
/// <c>DocPipeline</c> of <c>appsettings.json</c> in the working directory; environment variables
/// (<c>DOCPIPELINE__QUEUE__MAX_CONCURRENT</c>); flags (<c>--set queue.max_concurrent=4</c>, <c>--data</c>).
/// </summary>
internal sealed class CliConfiguration
{
    /// <summary>The file names looked for in the working directory when <c>--config</c> is not given, in this order.</summary>
    public static readonly string[] DefaultFileNames = ["docpipe.yaml", "config.yaml"];

    private CliConfiguration(IConfigurationRoot root, string? file, IReadOnlyList<DocPipelineSetting> settings)
    {
        Root = root;
        File = file;
        Settings = settings;
        DataDirectory = Path.GetFullPath(settings.Single(s => s.Key == nameof(DocPipelineOptions.DataDirectory)).Value!);
    }

    /// <summary>Gets the configuration the pipeline binds its options from.</summary>
    public IConfigurationRoot Root { get; }

    /// <summary>Gets the full path of the YAML file read, if any.</summary>
    public string? File { get; }

    /// <summary>Gets every option with its effective value and source.</summary>
    public IReadOnlyList<DocPipelineSetting> Settings { get; }

    /// <summary>Gets the full path of the data folder.</summary>
    public string DataDirectory { get; }

    /// <summary>Reads and checks the configuration of one command.</summary>
    /// <exception cref="InvalidDataException">The file cannot be read or is not YAML (or appsettings.json is not JSON).</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A key is unknown, or a value has the wrong type or is out of range.</exception>
    /// <exception cref="FormatException">A <c>--set</c> flag is not <c>key=value</c>.</exception>
    public static CliConfiguration Load(CliOptions common, ParseResult parse)
    {
        var file = parse.GetValue(common.Config) is { } given
            ? Path.GetFullPath(given)
            : DefaultFileNames.Select(name => Path.GetFullPath(name)).FirstOrDefault(System.IO.File.Exists);
        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            builder.AddDocPipelineYamlFile(file);
        }

        var appSettings = Path.GetFullPath("appsettings.json");
        if (System.IO.File.Exists(appSettings))
        {
            builder.AddJsonFile(appSettings, optional: false);
        }

        builder.AddEnvironmentVariables();
        builder.AddCommandLine([.. Flags(common, parse)]);
        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }

        return new CliConfiguration(root, file, DocPipelineConfiguration.Describe(root));
    }

    /// <summary>Reads and checks the configuration of one command, or reports why it cannot (exit code 2, one message naming the file, line and key).</summary>
    /// <returns>The configuration, or <see langword="null"/> when it was refused and reported.</returns>
    public static CliConfiguration? TryLoad(CliOptions common, ParseResult parse, CliOutput output)
    {
        try
        {
            return Load(common, parse);
        }
        catch (Exception ex) when (ex is InvalidDataException or Microsoft.Extensions.Options.OptionsValidationException or FormatException)
        {
            output.Error($"Configuration refused, nothing was run: {ex.Message}", ExitCodes.Usage);
            return null;
        }
    }

    /// <summary>The flags that set configuration keys, as <c>--DocPipeline:Key=value</c> arguments of the command-line provider.</summary>
    private static IEnumerable<string> Flags(CliOptions common, ParseResult parse)
    {
        if (parse.GetResult(common.Data) is { Implicit: false })
        {
            yield return $"--{DocPipelineOptions.SectionName}:{nameof(DocPipelineOptions.DataDirectory)}={Path.GetFullPath(parse.GetValue(common.Data)!)}";
        }

        foreach (var assignment in parse.GetValue(common.Set) ?? [])
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"--set '{assignment}' must be key=value, such as --set queue.max_concurrent=4.");
            }

            var key = assignment[..equals].Trim().Replace('.', ':');
            yield return $"--{DocPipelineOptions.SectionName}:{key}={assignment[(equals + 1)..]}";
        }
    }
}
