namespace Microsoft.Extensions.DependencyInjection;

internal sealed class DocPipelineBuilder(IServiceCollection services) : IDocPipelineBuilder
{
    public IServiceCollection Services { get; } = services;
}
