using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using DocPipeline.Jobs;

namespace DocPipeline.Tests.Queue;

[CollectionDefinition(nameof(QueueDiagnosticsTests), DisableParallelization = true)]
public sealed class QueueDiagnosticsCollection;

/// <summary>The meter and activity source are process-wide, so these tests run alone.</summary>
[Collection(nameof(QueueDiagnosticsTests))]
public sealed class QueueDiagnosticsTests : IDisposable
{
    private readonly QueueHarness _harness = new(q =>
    {
        q.RetryBaseDelay = TimeSpan.FromSeconds(1);
        q.PollInterval = TimeSpan.FromSeconds(1);
    });

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task RunUntilIdleAsync_MixedOutcomes_CountersHistogramAndOneActivityPerAttempt()
    {
        var measurements = new ConcurrentDictionary<string, long>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "DocPipeline" && instrument.Name.StartsWith("docpipeline.jobs.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, _, _) => measurements.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        meters.SetMeasurementEventCallback<double>((instrument, _, _, _) => measurements.AddOrUpdate(instrument.Name, 1, (_, count) => count + 1));
        meters.Start();
        var activities = new ConcurrentQueue<Activity>();
        using var tracing = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "DocPipeline",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(tracing);
        var queue = _harness.CreateQueue((context, _) => context.Job.DocumentId switch
        {
            "bad" => throw new PermanentJobFailureException("unreadable"),
            "flaky" when context.Job.Attempts == 1 => throw new IOException("try again"),
            _ => Task.FromResult<string?>("ok"),
        });
        await queue.EnqueueAsync([QueueHarness.Request("ok"), QueueHarness.Request("bad"), QueueHarness.Request("flaky")]);

        var run = queue.RunUntilIdleAsync(CancellationToken.None);
        while (!run.IsCompleted)
        {
            await Task.WhenAny(queue.WaitingForWorkAsync(() => queue.RunningCount == 0), run).WaitAsync(QueueHarness.Patience);
            _harness.Time.Advance(TimeSpan.FromSeconds(1));
        }

        await run;
        meters.RecordObservableInstruments();
        Assert.Equal(4, measurements.GetValueOrDefault("docpipeline.jobs.started"));
        Assert.Equal(2, measurements.GetValueOrDefault("docpipeline.jobs.completed"));
        Assert.Equal(1, measurements.GetValueOrDefault("docpipeline.jobs.failed"));
        Assert.Equal(1, measurements.GetValueOrDefault("docpipeline.jobs.retried"));
        Assert.Equal(4, measurements.GetValueOrDefault("docpipeline.jobs.duration"));
        var jobs = activities.Where(a => a.OperationName == "docpipeline.job").ToList();
        Assert.Equal(4, jobs.Count);
        Assert.Equal(
            ["completed", "completed", "failed", "retry_scheduled"],
            jobs.Select(a => (string?)a.GetTagItem("docpipeline.job.outcome")).Order());
        Assert.All(jobs, a => Assert.NotNull(a.GetTagItem("docpipeline.document.id")));
    }
}
