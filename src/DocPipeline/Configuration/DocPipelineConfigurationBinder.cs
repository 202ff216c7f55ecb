using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocPipeline.Configuration;

/// <summary>
/// Binds <see cref="DocPipelineOptions"/> from the <c>DocPipeline</c> configuration section when the container has an
/// <see cref="IConfiguration"/> (every .NET host does); without one, only code configures the options. Keys may be
/// spelled PascalCase or snake_case in any source. Nothing is bound from a configuration with an unknown key, a value
/// of the wrong type or out of range: that throws an <see cref="OptionsValidationException"/> whose every message
/// names where the value was set (file and line, environment variable, flag) and what is allowed.
/// </summary>
internal sealed class DocPipelineConfigurationBinder(IServiceProvider services) : IConfigureOptions<DocPipelineOptions>
{
    public void Configure(DocPipelineOptions options)
    {
        var configuration = services.GetService<IConfiguration>();
        if (configuration is not null)
        {
            Bind(configuration, options);
        }
    }

    /// <summary>Checks and binds the configured values; returns them, keyed by option spelling.</summary>
    internal static Dictionary<string, ConfiguredValue> Bind(IConfiguration configuration, DocPipelineOptions options)
    {
        var values = DocPipelineConfigurationReader.Read(configuration);
        var errors = DocPipelineConfigurationSchema.Check(values.Values);
        if (errors.Count == 0)
        {
            new ConfigurationBuilder()
                .AddInMemoryCollection(values.Values.Select(v => KeyValuePair.Create($"{DocPipelineOptions.SectionName}:{v.Key}", (string?)v.Value)))
                .Build()
                .GetSection(DocPipelineOptions.SectionName)
                .Bind(options);
            errors.AddRange(OutOfRange(options, values));
        }

        return errors.Count == 0
            ? values
            : throw new OptionsValidationException(Options.DefaultName, typeof(DocPipelineOptions), errors);
    }

    /// <summary>The range and rule failures of configured values (as the validator finds them), each naming where the value was set.</summary>
    private static IEnumerable<string> OutOfRange(DocPipelineOptions options, Dictionary<string, ConfiguredValue> values)
    {
        var result = new DocPipelineOptionsValidator().Validate(Options.DefaultName, options);
        if (!result.Failed)
        {
            yield break;
        }

        foreach (var failure in result.Failures)
        {
            // "DocPipeline:Queue:MaxConcurrent must be between 1 and 1024 (was 0).", or a rule between two options
            // named by the first; failures of options set in code are left to the validator.
            var space = failure.IndexOf(' ', StringComparison.Ordinal);
            var key = space < 0 ? failure : failure[..space];
            if (key.StartsWith(DocPipelineOptions.SectionName + ":", StringComparison.Ordinal) &&
                values.TryGetValue(key[(DocPipelineOptions.SectionName.Length + 1)..], out var value))
            {
                yield return $"{value.Where}: {failure[(space + 1)..]}";
            }
        }
    }
}
