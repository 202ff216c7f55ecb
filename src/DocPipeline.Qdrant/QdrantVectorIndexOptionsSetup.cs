using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocPipeline.Qdrant;

/// <summary>Binds <see cref="QdrantVectorIndexOptions"/> from the <c>DocPipeline:Qdrant</c> configuration section, when the container has a configuration.</summary>
internal sealed class QdrantVectorIndexOptionsSetup(IServiceProvider services) : IConfigureOptions<QdrantVectorIndexOptions>
{
    public void Configure(QdrantVectorIndexOptions options) =>
        services.GetService<IConfiguration>()?.GetSection(QdrantVectorIndexOptions.SectionName).Bind(options);
}
