namespace DocPipeline.Consistency;

/// <summary>Receives the discrepancies a <see cref="ConsistencyScanner"/> finds, in chunk id order.</summary>
internal interface IDiscrepancySink
{
    /// <summary>Takes one discrepancy; may act on a batch of them before returning.</summary>
    ValueTask AddAsync(Discrepancy discrepancy, CancellationToken cancellationToken);

    /// <summary>Called once the scan ended: act on what is still batched.</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken);
}
