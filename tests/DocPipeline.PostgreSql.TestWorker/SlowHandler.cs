using DocPipeline.Queue;

namespace DocPipeline.PostgreSql.TestWorker;

/// <summary>Runs the real handler, then waits a little longer.</summary>
internal sealed class SlowHandler(IJobHandler inner, TimeSpan delay) : IJobHandler
{
    public async Task<string?> HandleAsync(JobContext context, CancellationToken cancellationToken)
    {
        var result = await inner.HandleAsync(context, cancellationToken);
        await Task.Delay(delay, cancellationToken);
        return result;
    }
}
