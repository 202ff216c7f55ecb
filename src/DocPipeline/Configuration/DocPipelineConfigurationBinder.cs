using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocPipeline.Configuration;

/// <summary>
/// Binds <see cref="DocPipelineOptions"/> from the <c>DocPipeline</c> configuration section when the container has an
/// <see cref="IConfiguration"/> (every .NET host does); without one, only code configures the options.
/// </summary>
internal sealed class DocPipelineConfigurationBinder(IServiceProvider services) : IConfigureOptions<DocPipelineOptions>
{
    public void Configure(DocPipelineOptions options)
    {
        var configuration = services.GetService<IConfiguration>();
        configuration?.GetSection(DocPipelineOptions.SectionName).Bind(options);
    }
}
