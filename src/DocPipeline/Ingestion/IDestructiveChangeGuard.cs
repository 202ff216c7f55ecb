namespace DocPipeline.Ingestion;

/// <summary>
/// Called by ingestion before a change that deletes much at once (a full cleanup), so that a way back can be kept
/// first; the maintenance side implements it (an automatic backup). Ingestion depends on this contract only, never on
/// the maintenance operations.
/// </summary>
internal interface IDestructiveChangeGuard
{
    /// <summary>Runs before the change; returns once it may go ahead.</summary>
    /// <param name="reason">What is about to happen, for the log (for example "a full cleanup removing 3 document(s)").</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the change may go ahead.</returns>
    Task BeforeDestructiveChangeAsync(string reason, CancellationToken cancellationToken);
}
