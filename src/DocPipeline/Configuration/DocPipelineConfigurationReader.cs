using Microsoft.Extensions.Configuration;

namespace DocPipeline.Configuration;

/// <summary>
/// Reads the <c>DocPipeline</c> section source by source, in precedence order, so that the same key spelled
/// <c>MaxConcurrent</c> in one source and <c>MAX_CONCURRENT</c> in another is one key (the later source wins), and so
/// that every value knows the file, line or variable it came from.
/// </summary>
internal static class DocPipelineConfigurationReader
{
    /// <summary>Reads every DocPipeline key that <paramref name="configuration"/> sets, keyed by its option spelling.</summary>
    public static Dictionary<string, ConfiguredValue> Read(IConfiguration configuration)
    {
        var values = new Dictionary<string, ConfiguredValue>(StringComparer.OrdinalIgnoreCase);
        if (configuration is IConfigurationRoot root)
        {
            foreach (var provider in root.Providers)
            {
                // Each section spelled as the source spells it (DOCPIPELINE__…), so that messages name it so.
                var sections = provider.GetChildKeys([], null).Where(k => string.Equals(k, DocPipelineOptions.SectionName, StringComparison.OrdinalIgnoreCase));
                foreach (var (rawKey, value) in sections.Distinct(StringComparer.Ordinal).SelectMany(section => Leaves(provider, section)))
                {
                    var key = DocPipelineConfigurationSchema.Canonical(rawKey[(DocPipelineOptions.SectionName.Length + 1)..]);
                    values[key] = Describe(provider, rawKey, key, value);
                }
            }
        }
        else
        {
            foreach (var (rawKey, value) in configuration.GetSection(DocPipelineOptions.SectionName).AsEnumerable(makePathsRelative: true))
            {
                if (value is not null)
                {
                    var key = DocPipelineConfigurationSchema.Canonical(rawKey);
                    values[key] = new ConfiguredValue(key, value, "configuration", "configuration", $"configuration, key '{DocPipelineOptions.SectionName}:{rawKey}'", Snake: false);
                }
            }
        }

        return values;
    }

    private static IEnumerable<(string Key, string Value)> Leaves(IConfigurationProvider provider, string parent)
    {
        foreach (var child in provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var key = $"{parent}:{child}";
            if (provider.TryGet(key, out var value) && value is not null)
            {
                yield return (key, value);
            }

            foreach (var leaf in Leaves(provider, key))
            {
                yield return leaf;
            }
        }
    }

    private static ConfiguredValue Describe(IConfigurationProvider provider, string rawKey, string key, string value)
    {
        var kind = provider.GetType().Name;
        switch (provider)
        {
            case DocPipelineYamlConfigurationProvider yaml when yaml.TryGetOrigin(rawKey, out var line, out var written):
                return new ConfiguredValue(key, value, "file", $"{yaml.FilePath}:{line}", $"{yaml.FilePath}, line {line}, key '{written}'", Snake: true);
            case not null when kind == "EnvironmentVariablesConfigurationProvider":
                var variable = rawKey.Replace(":", "__", StringComparison.Ordinal);
                return new ConfiguredValue(key, value, "environment", variable, $"environment variable {variable}", Snake: true);
            case not null when kind == "CommandLineConfigurationProvider":
                return new ConfiguredValue(key, value, "flag", rawKey, $"command line, key '{rawKey}'", Snake: false);
            case FileConfigurationProvider file:
                var path = file.Source.FileProvider?.GetFileInfo(file.Source.Path ?? string.Empty).PhysicalPath ?? file.Source.Path ?? "a configuration file";
                return new ConfiguredValue(key, value, "file", path, $"{path}, key '{rawKey}'", Snake: false);
            default:
                return new ConfiguredValue(key, value, "configuration", kind, $"configuration ({kind}), key '{rawKey}'", Snake: false);
        }
    }
}
