using System.Collections.Concurrent;
using DocPipeline.Jobs;
using DocPipeline.Queue;

namespace DocPipeline.Tests.Queue;

/// <summary>The pause flag lives in the job store: every queue over the store honours it, and it outlives the queue that set it.</summary>
public sealed class DurablePauseTests : IDisposable
{
    private static readonly TimeSpan Patience = QueueHarness.Patience;
    private readonly QueueHarness _harness = new(q =>
    {
        q.MaxConcurrent = 2;
        q.PollInterval = TimeSpan.FromSeconds(5);
        q.HeartbeatInterval = TimeSpan.FromSeconds(10);
    });

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task PauseFlag_SetInTheStoreByAnotherProcess_RunningQueueStopsClaimingAndResumesWithIt()
    {
        var handled = new ConcurrentBag<string>();
        var queue = _harness.CreateQueue((context, _) =>
        {
            handled.Add(context.Job.DocumentId);
            return Task.FromResult<string?>(null);
        });
        using var stop = new CancellationTokenSource();
        var run = queue.RunAsync(stop.Token);

        // Another process writes the flag; this queue learns it only from the store, within a second of (fake) time.
        await _harness.Store.SetPauseStateAsync(paused: true, interruptRunning: false, changedBy: "another process");
        await AdvanceUntilAsync(() => queue.IsPaused);
        await queue.EnqueueAsync(QueueHarness.Requests(3));
        await queue.WaitingForWorkAsync(() => true).WaitAsync(Patience);

        Assert.Empty(handled);
        Assert.Equal(3, (await queue.GetCountsAsync()).Pending);

        await _harness.Store.SetPauseStateAsync(paused: false, interruptRunning: false, changedBy: "another process");
        await AdvanceUntilAsync(() => handled.Count == 3);

        Assert.False(queue.IsPaused);
        await stop.CancelAsync();
        await run.WaitAsync(Patience);
        Assert.Equal(3, (await queue.GetCountsAsync()).Completed);
    }

    [Fact]
    public async Task PauseAsync_Now_RunningJobInterruptedAndGivenBackWithoutCountingTheAttempt()
    {
        var calls = 0;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = _harness.CreateQueue(async (_, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                started.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }

            return "done";
        });
        var job = (await queue.EnqueueAsync([QueueHarness.Request("a")]))[0];
        using var stop = new CancellationTokenSource();
        var run = queue.RunAsync(stop.Token);
        await started.Task.WaitAsync(Patience);

        var state = await queue.PauseAsync(now: true);
        await queue.WaitingForWorkAsync(() => queue.RunningCount == 0).WaitAsync(Patience);

        Assert.Equal((true, true), (state.IsPaused, state.InterruptRunning));
        var released = await _harness.Store.GetAsync(job.Id);
        Assert.Equal((JobStatus.Pending, 0), (released!.Status, released.Attempts));
        Assert.Empty(await _harness.Store.ListErrorsAsync(job.Id));

        await queue.ResumeAsync();
        await AdvanceUntilAsync(() => _harness.Store.GetAsync(job.Id).Result!.Status == JobStatus.Completed);

        Assert.Equal((2, 1), (calls, (await _harness.Store.GetAsync(job.Id))!.Attempts));
        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    [Fact]
    public async Task PauseAsync_ThenANewQueueStarts_StaysPausedUntilResumed()
    {
        var first = _harness.CreateQueue((_, _) => Task.FromResult<string?>(null));
        await first.PauseAsync();
        await first.EnqueueAsync(QueueHarness.Requests(2));
        var handled = 0;
        var second = _harness.CreateQueue((_, _) =>
        {
            Interlocked.Increment(ref handled);
            return Task.FromResult<string?>(null);
        });
        using var stop = new CancellationTokenSource();

        var run = second.RunAsync(stop.Token);
        await AdvanceUntilAsync(() => second.IsPaused);
        await second.WaitingForWorkAsync(() => true).WaitAsync(Patience);

        Assert.Equal(0, handled);
        await second.ResumeAsync();
        await AdvanceUntilAsync(() => Volatile.Read(ref handled) == 2);
        Assert.False((await _harness.Store.GetPauseStateAsync()).IsPaused);
        await stop.CancelAsync();
        await run.WaitAsync(Patience);
    }

    /// <summary>Moves fake time a second at a time (the pause check interval) until <paramref name="condition"/> holds, within <see cref="Patience"/>.</summary>
    private async Task AdvanceUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            _harness.Time.Advance(DocumentQueue.PauseCheckInterval);
            await Task.Delay(10, timeout.Token);
        }
    }
}
