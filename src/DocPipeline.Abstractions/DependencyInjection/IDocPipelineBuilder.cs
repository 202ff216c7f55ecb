namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Configures a DocPipeline registration. Verbs are extension methods: <c>Use…</c> replaces one slot (the last
/// call wins), <c>Add…</c> adds (extractors, workers).
/// </summary>
public interface IDocPipelineBuilder
{
    /// <summary>Gets the service collection the pipeline is registered in.</summary>
    IServiceCollection Services { get; }
}
