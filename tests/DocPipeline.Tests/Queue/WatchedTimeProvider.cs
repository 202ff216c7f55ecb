using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace DocPipeline.Tests.Queue;

/// <summary>
/// Fake time that also tells a test when code under test arms a timer of a given due time (a <c>Task.Delay</c> over
/// this provider), so the test advances time only once the timer exists, without hooks in the production type.
/// </summary>
internal sealed class WatchedTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly ConcurrentDictionary<TimeSpan, TaskCompletionSource> _watched = new();

    /// <summary>
    /// Gets a task that completes when a timer due in <paramref name="dueTime"/> is created after this call. Choose a
    /// due time that no other timer of the test uses.
    /// </summary>
    public Task TimerArmedAsync(TimeSpan dueTime) =>
        _watched.GetOrAdd(dueTime, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (_watched.TryRemove(dueTime, out var armed))
        {
            armed.TrySetResult();
        }

        return timer;
    }
}
