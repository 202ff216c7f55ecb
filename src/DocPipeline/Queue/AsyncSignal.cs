namespace DocPipeline.Queue;

/// <summary>
/// A wake-up call that is never lost: <see cref="Set"/> before a wait makes that wait return at once. Waits time out
/// through a <see cref="TimeProvider"/>, so tests drive them with fake time.
/// </summary>
internal sealed class AsyncSignal
{
    private TaskCompletionSource _signal = NewSignal();

    /// <summary>Wakes the current or the next waiter.</summary>
    public void Set() => Volatile.Read(ref _signal).TrySetResult();

    /// <summary>Waits until <see cref="Set"/> is called or <paramref name="timeout"/> passes.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="time">The clock of the timeout.</param>
    /// <param name="waiting">Called once the timeout is armed, just before a real wait (not when the signal was already
    /// set): a test that advances fake time when told the loop is waiting must not advance it before the timer exists,
    /// or the timer would never fire.</param>
    /// <param name="cancellationToken">A token to stop waiting.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, Action? waiting, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _signal);

        // When the signal is already set there is no wait, and `waiting` is not called: the caller looks at its state
        // again and only then waits. Telling a test "waiting" then let it advance fake time before the caller's next
        // look, whose poll timer was created after the advance and never fired (flaky
        // RunAsync_JobAbandonedByCrashedWorker_ResumedAfterLeaseExpires).
        if (!signal.Task.IsCompleted)
        {
            using var stopDelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(timeout, time, stopDelay.Token);
            waiting?.Invoke();
            await Task.WhenAny(signal.Task, delay).ConfigureAwait(false);
            await stopDelay.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (signal.Task.IsCompleted)
        {
            // Re-arm. A Set racing with this lands on the old signal, but the caller looks at the state right after
            // returning, so the change that Set announced is seen anyway.
            Interlocked.CompareExchange(ref _signal, NewSignal(), signal);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
