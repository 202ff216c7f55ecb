using DocPipeline.Indexing;
using DocPipeline.Indexing.Vector;
using DocPipeline.Ingestion;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Tests.Ingestion;

/// <summary>A run whose jobs a later run took over reports them as superseded, naming the job that did the work, never as skipped.</summary>
public sealed class SupersededReportTests : IDisposable
{
    private const int Documents = 40;
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task IngestAsync_PendingJobsTakenOverByALaterRun_ReportedAsSupersededNotSkipped()
    {
        for (var i = 0; i < Documents; i++)
        {
            _directory.Write($"src/doc{i:D2}.txt", $"Document {i} about copper lanterns and quiet harbours.");
        }

        var source = _directory.File("src");
        await using var pipeline = new TestPipeline(_directory);
        var vector = (EmbeddedVectorIndex)pipeline.Get<IVectorIndex>();

        // The first run's jobs wait at the vector index while the second run queues the same documents.
        var hold = await vector.HoldWritesAsync();
        var firstQueued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondQueued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = pipeline.IngestAsync(new IngestOptions { MaxConcurrent = 1, Progress = new Queued(Documents, firstQueued) }, source);
        await firstQueued.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var second = pipeline.IngestAsync(new IngestOptions { MaxConcurrent = 1, Progress = new Queued(Documents, secondQueued) }, source);
        await secondQueued.Task.WaitAsync(TimeSpan.FromSeconds(60));
        hold.Dispose();
        var results = await Task.WhenAll(first, second);

        var taken = results[0];
        Assert.True(taken.Superseded > 0, $"No job of the first run was superseded: {taken}");
        Assert.Equal(0, taken.Skipped);
        Assert.Equal(0, taken.Failed);
        Assert.Equal(Documents, taken.Added + taken.Superseded);
        Assert.Equal(taken.Superseded, taken.SupersededBy.Count);
        Assert.All(taken.SupersededBy, s => Assert.Matches("^superseded by job [0-9a-f]{32} \\(batch [0-9a-f]{32}, ", s.Reason));

        // Every document once: what the first run did not add, the second did; the rest it found unchanged.
        Assert.Equal(0, results[1].Superseded);
        Assert.Equal(taken.Superseded, results[1].Added);
        Assert.Equal(Documents, (await pipeline.Get<IDocumentRegistry>().GetStatisticsAsync()).Documents);
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>Completes when a run has queued its jobs (reports come on the run's threads, not through a synchronization context).</summary>
    private sealed class Queued(int count, TaskCompletionSource done) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value)
        {
            if (value.DiscoveryComplete && value.Queued >= count)
            {
                done.TrySetResult();
            }
        }
    }
}
