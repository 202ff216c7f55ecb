using DocPipeline.Configuration;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds a DocPipeline YAML file (<c>config.yaml</c>) to a host's configuration.</summary>
public static class DocPipelineConfigurationBuilderExtensions
{
    /// <summary>
    /// Adds a DocPipeline YAML file whose top-level sections (<c>queue:</c>, <c>fingerprint:</c>,
    /// <c>index_management:</c>, <c>monitoring:</c>, …) fill the <c>DocPipeline</c> section, snake_case or PascalCase;
    /// relative paths in it resolve against the file's folder. The file must exist. A file that cannot be read or is
    /// not YAML makes <see cref="IConfigurationBuilder.Build"/> throw an <see cref="InvalidDataException"/> naming the
    /// file and line; an unknown key or a bad value is reported, with its line, when the options are validated.
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="path">The path of the file.</param>
    /// <returns>The <see cref="IConfigurationBuilder"/> so that additional calls can be chained.</returns>
    public static IConfigurationBuilder AddDocPipelineYamlFile(this IConfigurationBuilder builder, string path) =>
        builder.AddDocPipelineYamlFile(path, optional: false);

    /// <summary>Adds a DocPipeline YAML file, as <see cref="AddDocPipelineYamlFile(IConfigurationBuilder, string)"/> does, that may be missing.</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="path">The path of the file.</param>
    /// <param name="optional">Whether a missing file is ignored rather than an error.</param>
    /// <returns>The <see cref="IConfigurationBuilder"/> so that additional calls can be chained.</returns>
    public static IConfigurationBuilder AddDocPipelineYamlFile(this IConfigurationBuilder builder, string path, bool optional)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return builder.Add(new DocPipelineYamlConfigurationSource(path, optional));
    }
}
