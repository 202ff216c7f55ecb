using DocPipeline.Queue;

namespace DocPipeline.Ingestion;

/// <summary>
/// The registered <see cref="IJobHandler"/>, resolved when the first job runs instead of when the batch starts.
/// </summary>
/// <remarks>
/// The ingestion handler brings the chunker's tokenizer (its vocabulary is read from the assembly), the extractors and
/// the document writer: a run with nothing new or changed, or a <c>--status</c>, never needs them, and building them
/// was about a tenth of such a run's time. A handler that fails to build is tried again by the next job (the
/// failure is not kept).
/// </remarks>
internal sealed class DeferredJobHandler(Func<IJobHandler> resolve) : IJobHandler
{
    private readonly Lazy<IJobHandler> _handler = new(resolve, LazyThreadSafetyMode.PublicationOnly);

    /// <inheritdoc />
    public Task<string?> HandleAsync(JobContext context, CancellationToken cancellationToken) =>
        _handler.Value.HandleAsync(context, cancellationToken);
}
