namespace DocPipeline.Indexing.Keyword;

/// <summary>
/// Runs commits on one dedicated thread and shares each commit among every caller waiting for it (group commit).
/// </summary>
/// <remarks>
/// <para>A caller first applies its changes, then waits here. The loop takes every waiter registered so far, runs
/// one commit, and completes them all. A caller that registers while a commit runs waits for the next one, because
/// the running commit may have started before its changes were applied. Eight concurrent writers therefore cost two
/// commits at most instead of eight, while a lone writer still commits at once (there is no batching delay).</para>
/// <para>The thread is dedicated because a commit blocks on <c>fsync</c>; on the thread pool it would starve
/// the very callers whose work it is waiting for.</para>
/// </remarks>
internal sealed class GroupCommitter : IDisposable
{
    private readonly Action _commit;
    private readonly Thread _thread;
    private readonly object _gate = new();
    private List<TaskCompletionSource> _waiting = [];
    private bool _stopping;

    /// <summary>Starts the commit thread.</summary>
    /// <param name="commit">The commit; an exception it throws fails every waiter of that commit.</param>
    /// <param name="threadName">The name of the thread, for debuggers and dumps.</param>
    public GroupCommitter(Action commit, string threadName)
    {
        _commit = commit;
        _thread = new Thread(Run) { IsBackground = true, Name = threadName };
        _thread.Start();
    }

    /// <summary>
    /// Waits for a commit that starts after this call, so that it includes every change the caller applied before.
    /// </summary>
    /// <remarks>Cancelling stops the wait, not the commit: the applied changes are committed anyway.</remarks>
    public Task WaitForCommitAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            _waiting.Add(waiter);
            Monitor.Pulse(_gate);
        }

        return cancellationToken.CanBeCanceled ? waiter.Task.WaitAsync(cancellationToken) : waiter.Task;
    }

    /// <summary>Stops taking waiters, commits for those still waiting, and ends the thread.</summary>
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
    }

    private void Run()
    {
        while (TakeBatch() is { } batch)
        {
            try
            {
                _commit();
                foreach (var waiter in batch)
                {
                    waiter.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                foreach (var waiter in batch)
                {
                    waiter.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>Blocks until someone waits, then takes the waiters; <see langword="null"/> once stopped and drained.</summary>
    private List<TaskCompletionSource>? TakeBatch()
    {
        lock (_gate)
        {
            while (_waiting.Count == 0)
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
}
