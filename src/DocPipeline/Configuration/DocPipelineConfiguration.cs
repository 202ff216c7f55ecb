using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DocPipeline.Configuration;

/// <summary>Explains a configuration: the effective value of every DocPipeline option and its source.</summary>
public static class DocPipelineConfiguration
{
    /// <summary>
    /// Checks the <c>DocPipeline</c> section of <paramref name="configuration"/> as <c>AddDocPipeline()</c> does and
    /// lists every option with its effective value and the source that set it, in declaration order.
    /// </summary>
    /// <param name="configuration">The configuration, such as a host's.</param>
    /// <returns>One entry per option (one per item of a list option).</returns>
    /// <exception cref="OptionsValidationException">A key is unknown, or a value has the wrong type or is out of range; each message names where it was set.</exception>
    public static IReadOnlyList<DocPipelineSetting> Describe(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new DocPipelineOptions();
        var values = DocPipelineConfigurationBinder.Bind(configuration, options);
        var settings = new List<DocPipelineSetting>();
        foreach (var (key, property, owner) in DocPipelineConfigurationSchema.Leaves(options))
        {
            var value = property.GetValue(owner);
            if (value is IList<string> list)
            {
                settings.AddRange(list.Select((item, i) => Setting($"{key}:{i}", item, values)));
            }
            else
            {
                settings.Add(Setting(key, DocPipelineConfigurationSchema.Format(value), values));
            }
        }

        return settings;
    }

    /// <summary>
    /// Creates the text of a DocPipeline YAML file (<c>config.yaml</c>) with every option at its default, each under
    /// one comment line on what it does. Loaded with <c>AddDocPipelineYamlFile</c>, it configures exactly the defaults.
    /// </summary>
    /// <returns>The YAML text.</returns>
    public static string CreateYamlTemplate() => DocPipelineConfigurationTemplate.Create();

    private static DocPipelineSetting Setting(string key, string? value, Dictionary<string, ConfiguredValue> values) =>
        values.TryGetValue(key, out var configured)
            ? new DocPipelineSetting { Key = key, Value = value, Source = configured.Source, Origin = configured.Origin }
            : new DocPipelineSetting { Key = key, Value = value, Source = "default" };
}
