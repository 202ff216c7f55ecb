namespace DocPipeline.Indexing.Keyword;

/// <summary>
/// Runs commits on one dedicated thread and shares each commit among every caller waiting for it (group commit).
/// </summary>
/// <remarks>
/// <para>A caller hands its changes over to be applied on the commit thread (<see cref="ApplyAndCommitAsync"/>). The
/// loop takes every waiter registered so far, applies their changes (one after another, on its own thread), runs one
/// commit, and completes them all. A caller that registers while a commit runs waits for the next one, because the running
/// commit may have started before its changes were applied. Eight concurrent writers therefore cost two commits at
/// most instead of eight, while a lone writer still commits at once (there is no batching delay).</para>
/// <para>Under sustained concurrent load the loop would otherwise commit back to back, each commit serving the few
/// writers that arrived during the previous one, and keep a core busy with commits (a Lucene commit flushes a new
/// segment: ~10 files created, merged away later). So after a commit shared by two or more writers, the next commit
/// waits until as many writers wait as that commit served, or until twice that commit's duration (at most
/// <see cref="MaxPause"/>) has passed, whichever comes first: commits stop shrinking to the few writers that happen
/// to arrive during one commit, the commit thread stays at most a third busy, yet a group that is complete starts at
/// once. A commit that served one writer (sequential writes, or a lone write after a quiet spell) never delays the
/// next.</para>
/// <para>The thread is dedicated because a commit blocks on <c>fsync</c>; on the thread pool it would starve
/// the very callers whose work it is waiting for.</para>
/// </remarks>
internal sealed class GroupCommitter : IDisposable
{
    /// <summary>The longest a shared commit holds the next one back.</summary>
    public static readonly TimeSpan MaxPause = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a shared commit holds the next one back, in multiples of its own duration.</summary>
    private const double PauseFactor = 2;

    private readonly Action _commit;
    private readonly TimeProvider? _time;
    private readonly ITimer? _pauseTimer;
    private readonly Thread _thread;
    private readonly object _gate = new();
    private List<Waiter> _waiting = [];
    private bool _paused;
    private int _pauseUntilWaiting;
    private bool _stopping;

    /// <summary>Starts the commit thread.</summary>
    /// <param name="commit">The commit; an exception it throws fails every waiter of that commit.</param>
    /// <param name="threadName">The name of the thread, for debuggers and dumps.</param>
    /// <param name="timeProvider">The clock that times commits and pauses; <see langword="null"/> never pauses.</param>
    public GroupCommitter(Action commit, string threadName, TimeProvider? timeProvider = null)
    {
        _commit = commit;
        _time = timeProvider;
        _pauseTimer = timeProvider?.CreateTimer(static state => ((GroupCommitter)state!).EndPause(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _thread = new Thread(Run) { IsBackground = true, Name = threadName };
        _thread.Start();
    }

    /// <summary>
    /// Has the commit thread run <paramref name="apply"/> just before its next commit, and waits for that commit.
    /// The changes of every writer waiting then are applied one after another on that thread and share the commit.
    /// </summary>
    /// <remarks>
    /// An exception from <paramref name="apply"/> fails this write only; the others still commit. A write cancelled
    /// before its turn is not applied; one cancelled later is committed anyway.
    /// </remarks>
    public Task ApplyAndCommitAsync(Action apply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apply);
        cancellationToken.ThrowIfCancellationRequested();
        var waiter = new Waiter(apply, cancellationToken);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            _waiting.Add(waiter);
            Monitor.Pulse(_gate);
        }

        var task = waiter.Completion.Task;
        return cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;
    }

    /// <summary>Stops taking waiters, commits at once for those still waiting, and ends the thread.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            Monitor.Pulse(_gate);
        }

        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        _pauseTimer?.Dispose();
    }

    private void Run()
    {
        while (TakeBatch() is { } batch)
        {
            var toCommit = ApplyChanges(batch);

            // The pause scales with the commit alone: applying changes is work the writers handed over, not commit overhead.
            var started = _time?.GetTimestamp() ?? 0;
            Exception? error = null;
            try
            {
                if (toCommit > 0)
                {
                    _commit();
                }
            }
            catch (Exception ex)
            {
                error = ex;
            }

            // Before the waiters go on, so that whatever they do next already meets the pause.
            if (batch.Count > 1 && _time is not null)
            {
                var pause = _time.GetElapsedTime(started) * PauseFactor;
                if (pause > TimeSpan.Zero)
                {
                    StartPause(pause < MaxPause ? pause : MaxPause, batch.Count);
                }
            }

            foreach (var waiter in batch)
            {
                if (waiter.Done)
                {
                    continue;
                }

                if (error is null)
                {
                    waiter.Completion.TrySetResult();
                }
                else
                {
                    waiter.Completion.TrySetException(error);
                }
            }
        }
    }

    /// <summary>Applies the changes handed over with the batch's writes; returns how many writes the commit serves.</summary>
    private static int ApplyChanges(List<Waiter> batch)
    {
        var toCommit = 0;
        foreach (var waiter in batch)
        {
            if (waiter.CancellationToken.IsCancellationRequested)
            {
                waiter.Done = true;
                waiter.Completion.TrySetCanceled(waiter.CancellationToken);
                continue;
            }

            try
            {
                waiter.Apply();
            }
            catch (Exception ex)
            {
                waiter.Done = true;
                waiter.Completion.TrySetException(ex);
                continue;
            }

            toCommit++;
        }

        return toCommit;
    }

    private void StartPause(TimeSpan pause, int waiters)
    {
        lock (_gate)
        {
            _paused = true;
            _pauseUntilWaiting = waiters;
        }

        _pauseTimer!.Change(pause, Timeout.InfiniteTimeSpan);
    }

    private void EndPause()
    {
        lock (_gate)
        {
            _paused = false;
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>
    /// Blocks until someone waits and no pause holds the commit back, then takes the waiters; <see langword="null"/>
    /// once stopped and drained. A pause ends when its time is up, when as many writers wait as the commit before it
    /// served, or when the committer stops.
    /// </summary>
    private List<Waiter>? TakeBatch()
    {
        lock (_gate)
        {
            while (_waiting.Count == 0 || (_paused && _waiting.Count < _pauseUntilWaiting && !_stopping))
            {
                if (_stopping)
                {
                    return null;
                }

                Monitor.Wait(_gate);
            }

            var all = _waiting;
            _waiting = [];
            return all;
        }
    }

    private sealed class Waiter(Action apply, CancellationToken cancellationToken)
    {
        public Action Apply { get; } = apply;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Gets or sets a value indicating whether the write already ended (cancelled or failed) before the commit.</summary>
        public bool Done { get; set; }
    }
}
