using Microsoft.Extensions.Configuration;

namespace DocPipeline.Configuration;

/// <summary>A DocPipeline YAML file (<c>config.yaml</c>) as a configuration source; see <see cref="DocPipelineYamlConfigurationProvider"/>.</summary>
internal sealed class DocPipelineYamlConfigurationSource(string path, bool optional) : IConfigurationSource
{
    /// <summary>Gets the full path of the file.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>Gets a value indicating whether a missing file is ignored rather than an error.</summary>
    public bool Optional { get; } = optional;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new DocPipelineYamlConfigurationProvider(this);
}
