using DocPipeline;
using DocPipeline.AI;
using DocPipeline.Registry;
using DocPipeline.SemanticKernel;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.SemanticKernel;

/// <summary>
/// Adds DocPipeline to a Semantic Kernel as the plugin <c>docpipeline</c> with the functions <c>search_documents</c>,
/// <c>get_document_chunks</c> and, when <see cref="DocPipelinePluginOptions.EnableIngest"/> is set, <c>ingest_documents</c>.
/// They are the tools of <see cref="DocPipelineAIFunctions"/>, so a Kernel and a plain <c>IChatClient</c> see the same ones.
/// </summary>
public static class DocPipelineKernelExtensions
{
    /// <summary>
    /// Adds the read-only DocPipeline plugin to the Kernel being built; the pipeline is resolved from the Kernel's
    /// services (call <c>AddDocPipeline()</c> on <see cref="IKernelBuilder.Services"/>).
    /// </summary>
    /// <param name="plugins">The Kernel builder's plugins.</param>
    /// <returns>The <paramref name="plugins"/> so that additional calls can be chained.</returns>
    public static IKernelBuilderPlugins AddDocPipeline(this IKernelBuilderPlugins plugins) => plugins.AddDocPipeline(static _ => { });

    /// <summary>Adds the DocPipeline plugin to the Kernel being built, as <paramref name="configure"/> sets it up.</summary>
    /// <param name="plugins">The Kernel builder's plugins.</param>
    /// <param name="configure">Sets the plugin's name and whether it may ingest.</param>
    /// <returns>The <paramref name="plugins"/> so that additional calls can be chained.</returns>
    public static IKernelBuilderPlugins AddDocPipeline(this IKernelBuilderPlugins plugins, Action<DocPipelinePluginOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new DocPipelinePluginOptions();
        configure(options);
        Validate(options);
        plugins.Services.AddSingleton(services => CreateDocPipelinePlugin(services, options));
        return plugins;
    }

    /// <summary>Creates the DocPipeline plugin over the pipeline registered in <paramref name="services"/>.</summary>
    /// <param name="services">The services holding <see cref="IDocPipeline"/> and <see cref="IDocumentRegistry"/>.</param>
    /// <param name="options">The plugin's name and whether it may ingest.</param>
    /// <returns>The plugin, to add to <see cref="Kernel.Plugins"/>.</returns>
    /// <exception cref="ArgumentException"><see cref="DocPipelinePluginOptions.PluginName"/> is not a valid plugin name.</exception>
    public static KernelPlugin CreateDocPipelinePlugin(IServiceProvider services, DocPipelinePluginOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        var pipeline = services.GetRequiredService<IDocPipeline>();
        var functions = new List<KernelFunction>
        {
            DocPipelineAIFunctions.CreateSearchFunction(pipeline).AsKernelFunction(),
            DocPipelineAIFunctions.CreateGetDocumentChunksFunction(services.GetRequiredService<IDocumentRegistry>()).AsKernelFunction(),
        };
        if (options.EnableIngest)
        {
            functions.Add(DocPipelineAIFunctions.CreateIngestFunction(pipeline).AsKernelFunction());
        }

        return KernelPluginFactory.CreateFromFunctions(
            options.PluginName,
            "Searches and reads the documents indexed by DocPipeline; every passage carries its source and page for citation.",
            functions);
    }

    private static void Validate(DocPipelinePluginOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.PluginName) || !options.PluginName.All(static c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException(
                $"DocPipelinePluginOptions.PluginName must be ASCII letters, digits or underscores (was '{options.PluginName}').", nameof(options));
        }
    }
}
