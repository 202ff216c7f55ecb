using DocPipeline.Queue;

namespace DocPipeline.Tests.Queue;

internal sealed class DelegateJobHandler(Func<JobContext, CancellationToken, Task<string?>> handle) : IJobHandler
{
    public Task<string?> HandleAsync(JobContext context, CancellationToken cancellationToken) => handle(context, cancellationToken);
}
