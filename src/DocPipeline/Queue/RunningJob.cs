using DocPipeline.Jobs;

namespace DocPipeline.Queue;

/// <summary>A job this queue is running: its lease, the token its handler watches, and why that token fired.</summary>
internal sealed class RunningJob : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly Lock _lock = new();
    private Task _firing = Task.CompletedTask;
    private bool _disposed;
    private int _leaseLost;
    private int _cancelRequested;
    private int _slotReleased;
    private volatile bool _finishing;

    public RunningJob(JobLease lease, CancellationToken shutdown)
    {
        Lease = lease;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
    }

    public JobLease Lease { get; }

    public string Id => Lease.JobId;

    /// <summary>Gets the token handed to the handler: fires on cancel, lost lease, or shutdown after the grace period.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>Gets or sets the task that runs the job and records its outcome; it never faults.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>Gets a value indicating whether another worker may hold the job now; its outcome must be dropped.</summary>
    public bool LeaseLost => Volatile.Read(ref _leaseLost) != 0;

    /// <summary>Gets a value indicating whether somebody asked to cancel the job.</summary>
    public bool CancelRequested => Volatile.Read(ref _cancelRequested) != 0;

    /// <summary>Gets or sets a value indicating whether the handler returned and the outcome is being recorded.</summary>
    public bool Finishing
    {
        get => _finishing;
        set => _finishing = value;
    }

    /// <summary>
    /// Marks that the job now only waits for its writes to become durable and gives back its processing slot.
    /// Returns <see langword="true"/> the first time.
    /// </summary>
    public bool ReleaseSlot(long heldBytes)
    {
        if (Interlocked.Exchange(ref _slotReleased, 1) != 0)
        {
            return false;
        }

        HeldBytes = heldBytes;
        return true;
    }

    /// <summary>Gets the memory the job said it holds while it waits (set when it gives back its slot).</summary>
    public long HeldBytes { get; private set; }

    /// <summary>Gets a value indicating whether the job gave back its processing slot.</summary>
    public bool SlotReleased => Volatile.Read(ref _slotReleased) != 0;

    /// <summary>Records that the lease is gone and fires the token; returns whether this call was the first to say so.</summary>
    public bool MarkLeaseLost()
    {
        var first = Interlocked.Exchange(ref _leaseLost, 1) == 0;
        Fire();
        return first;
    }

    /// <summary>Fires the token without a cancel request or a lost lease, so the job is given back (the queue was paused with "now").</summary>
    /// <returns>Whether the token fired now (it had not fired before).</returns>
    public bool Interrupt()
    {
        if (_cancellation.IsCancellationRequested)
        {
            return false;
        }

        Fire();
        return true;
    }

    /// <summary>Records a cancellation request and fires the token.</summary>
    public void RequestCancel()
    {
        Volatile.Write(ref _cancelRequested, 1);
        Fire();
    }

    public async ValueTask DisposeAsync()
    {
        Task firing;
        lock (_lock)
        {
            _disposed = true;
            firing = _firing;
        }

        // The token's callbacks may still be running; the source must outlive them.
        await firing.ConfigureAwait(false);
        _cancellation.Dispose();
    }

    private void Fire()
    {
        lock (_lock)
        {
            if (!_disposed && !_cancellation.IsCancellationRequested)
            {
                // Asynchronously: the handler's continuations must not run on the heartbeat that noticed.
                _firing = _cancellation.CancelAsync();
            }
        }
    }
}
