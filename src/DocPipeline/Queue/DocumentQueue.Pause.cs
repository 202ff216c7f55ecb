using DocPipeline.Jobs;

namespace DocPipeline.Queue;

/// <summary>
/// The durable pause: the flag lives in the job store, so a pause set by any process (a host's
/// <see cref="IDocumentQueue.PauseAsync"/>, <c>docpipe jobs pause</c>) reaches every queue sharing the store.
/// </summary>
/// <remarks>
/// A running queue reads the flag every <see cref="PauseCheckInterval"/> (or every poll interval when that is
/// shorter) and the store reads it again inside every claim, so no job is claimed once a pause is stored, and a queue
/// notices a resume (or a pause with "now", which interrupts its running jobs) within that interval.
/// </remarks>
internal sealed partial class DocumentQueue
{
    /// <summary>The longest a running queue goes without reading the job store's pause flag.</summary>
    internal static readonly TimeSpan PauseCheckInterval = TimeSpan.FromSeconds(1);

    private QueuePauseState _pause = QueuePauseState.Running;
    private volatile bool _pauseIsLocal;

    public bool IsPaused => Volatile.Read(ref _pause).IsPaused;

    public Task<QueuePauseState> PauseAsync(bool now = false, CancellationToken cancellationToken = default) =>
        SetPauseAsync(paused: true, now, cancellationToken);

    public Task<QueuePauseState> ResumeAsync(CancellationToken cancellationToken = default) =>
        SetPauseAsync(paused: false, interruptRunning: false, cancellationToken);

    private async Task<QueuePauseState> SetPauseAsync(bool paused, bool interruptRunning, CancellationToken cancellationToken)
    {
        QueuePauseState state;
        try
        {
            state = _pauseIsLocal
                ? LocalPause(paused, interruptRunning)
                : await _store.SetPauseStateAsync(paused, interruptRunning, Owner, cancellationToken).ConfigureAwait(false);
        }
        catch (NotSupportedException)
        {
            QueueLog.PauseNotDurable(_logger, _store.GetType().Name);
            _pauseIsLocal = true;
            state = LocalPause(paused, interruptRunning);
        }

        Observe(state);
        return state;
    }

    private QueuePauseState LocalPause(bool paused, bool interruptRunning) => new()
    {
        IsPaused = paused,
        InterruptRunning = paused && interruptRunning,
        ChangedAt = _time.GetUtcNow(),
        ChangedBy = Owner,
    };

    /// <summary>Reads the store's pause flag while the queue runs, until <paramref name="stop"/> fires.</summary>
    private async Task WatchPauseAsync(CancellationToken stop)
    {
        var interval = _pollInterval < PauseCheckInterval ? _pollInterval : PauseCheckInterval;
        while (true)
        {
            if (!_pauseIsLocal)
            {
                try
                {
                    Observe(await _store.GetPauseStateAsync(stop).ConfigureAwait(false));
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    QueueLog.PauseCheckFailed(_logger, ex, interval);
                }
            }

            try
            {
                await Task.Delay(interval, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Takes in the latest pause state: says when it changed, wakes the loop on resume, interrupts on "now".</summary>
    private void Observe(QueuePauseState state)
    {
        var before = Interlocked.Exchange(ref _pause, state);
        if (state.IsPaused && !before.IsPaused)
        {
            QueueLog.Paused(_logger, state.ChangedAt, state.ChangedBy ?? "unknown");
        }
        else if (!state.IsPaused && before.IsPaused)
        {
            QueueLog.Resumed(_logger);
            _wake.Set();
        }

        if (state is { IsPaused: true, InterruptRunning: true })
        {
            var interrupted = _running.Values.Count(job => !job.Finishing && job.Interrupt());
            if (interrupted > 0)
            {
                QueueLog.Interrupting(_logger, interrupted);
            }
        }
    }
}
