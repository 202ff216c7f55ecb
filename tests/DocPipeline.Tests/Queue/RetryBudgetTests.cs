using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using DocPipeline.Jobs;

namespace DocPipeline.Tests.Queue;

/// <summary>
/// The default retry budget against the plan's completion target (99.9% of jobs complete while the embedder fails 10%
/// of its calls with a transient error), with room to spare: kills and restarts also use up attempts, and one failed
/// embedder call fails every job whose texts it carried.
/// </summary>
public sealed class RetryBudgetTests : IDisposable
{
    private const int Jobs = 10_000;
    private const int FailurePercent = 10;
    private readonly QueueHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task RunUntilIdleAsync_DefaultRetriesTenPercentTransientFailures_AtMostOneJobIn10000Fails()
    {
        var queue = _harness.CreateQueue((context, _) => FailsAttempt(context.Job.DocumentId, context.Job.Attempts)
            ? throw new HttpRequestException("The embedding service is unavailable.", null, HttpStatusCode.ServiceUnavailable)
            : Task.FromResult<string?>("ok"));
        await queue.EnqueueAsync(QueueHarness.Requests(Jobs));

        var run = queue.RunUntilIdleAsync(CancellationToken.None);
        while (!run.IsCompleted)
        {
            await Task.WhenAny(queue.WaitingForWorkAsync(() => queue.RunningCount == 0), run).WaitAsync(QueueHarness.Patience);
            _harness.Time.Advance(TimeSpan.FromSeconds(1));
        }

        await run;
        var counts = await _harness.Store.GetCountsAsync(null);
        Assert.Equal(Jobs, counts.Completed + counts.Failed);
        Assert.True(counts.Failed <= Jobs / 10_000, $"{counts.Failed} of {Jobs} jobs failed for good after {_harness.Options.Queue.MaxAttempts} attempts.");
    }

    /// <summary>Whether attempt <paramref name="attempt"/> of a document's job fails: 10% of attempts, independently, the same every run.</summary>
    private static bool FailsAttempt(string documentId, int attempt)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{documentId}/{attempt}"));
        return BinaryPrimitives.ReadUInt32LittleEndian(hash) % 100 < FailurePercent;
    }
}
