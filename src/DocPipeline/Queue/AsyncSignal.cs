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
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _signal);
        if (!signal.Task.IsCompleted)
        {
            using var stopDelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(timeout, time, stopDelay.Token);
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
