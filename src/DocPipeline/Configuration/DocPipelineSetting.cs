namespace DocPipeline.Configuration;

/// <summary>One option of the effective configuration and where its value came from (<see cref="DocPipelineConfiguration.Describe"/>).</summary>
public sealed class DocPipelineSetting
{
    /// <summary>Gets the configuration key below <c>DocPipeline</c>, such as <c>Queue:MaxConcurrent</c>.</summary>
    public required string Key { get; init; }

    /// <summary>Gets the effective value, formatted as configuration spells it, or <see langword="null"/> when unset.</summary>
    public string? Value { get; init; }

    /// <summary>Gets what set the value: <c>default</c>, <c>file</c>, <c>environment</c>, <c>flag</c> or <c>configuration</c> (another source).</summary>
    public required string Source { get; init; }

    /// <summary>Gets where exactly the value was set (<c>/etc/docpipe/config.yaml:3</c>, <c>DOCPIPELINE__QUEUE__MAX_CONCURRENT</c>), or <see langword="null"/> for a default.</summary>
    public string? Origin { get; init; }
}
