using DocPipeline.Configuration;
using DocPipeline.Jobs;
using DocPipeline.Queue;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Builder verbs for the job store and the document queue worker.</summary>
public static class JobsBuilderExtensions
{
    /// <summary>
    /// Keeps jobs only for the life of the container instead of in the data folder: the SQLite job store on a file in a
    /// new temp folder, deleted when the container is disposed. Jobs are lost when the process ends, so use it for
    /// tests and throwaway runs only.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The same builder, so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseInMemoryJobStore(this IDocPipelineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IJobStore>(services => SqliteJobStore.CreateTemporary(
            JobStoreSettings.From(services.GetRequiredService<IOptions<DocPipelineOptions>>().Value.Queue),
            services.GetRequiredService<TimeProvider>())));
        return builder;
    }

    /// <summary>Replaces the job store with <typeparamref name="TStore"/>, resolved from the container as a singleton.</summary>
    /// <typeparam name="TStore">The job store implementation.</typeparam>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The same builder, so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UseJobStore<TStore>(this IDocPipelineBuilder builder)
        where TStore : class, IJobStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IJobStore, TStore>());
        return builder;
    }

    /// <summary>
    /// Adds a hosted service that runs the document queue while the host runs: it claims jobs, runs them through the
    /// registered <see cref="IJobHandler"/>, and on stop gives unfinished jobs back. Without it the process can still
    /// enqueue jobs for workers elsewhere. Calling it twice adds one worker.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The same builder, so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder AddWorker(this IDocPipelineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DocPipelineWorker>());
        return builder;
    }

    /// <summary>Adds the queue worker (see <see cref="AddWorker(IDocPipelineBuilder)"/>) and configures the queue in code.</summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <param name="configure">Configures <see cref="DocPipelineOptions.Queue"/>; runs after configuration binding, so code wins.</param>
    /// <returns>The same builder, so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder AddWorker(this IDocPipelineBuilder builder, Action<QueueOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure<DocPipelineOptions>(options => configure(options.Queue));
        return builder.AddWorker();
    }
}
