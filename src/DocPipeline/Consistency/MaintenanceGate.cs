namespace DocPipeline.Consistency;

/// <summary>Runs the maintenance operations of one container one at a time (verify, repair, rebuild, backup, restore).</summary>
internal sealed class MaintenanceGate
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Runs <paramref name="operation"/> once no other operation runs.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await operation().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
