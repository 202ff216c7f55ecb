using DocPipeline.Jobs;

namespace DocPipeline.Registry;

/// <summary>
/// A job attempt's right to write one document: the lease token under which it claimed the job. The registry records
/// the token of the attempt that last took the document (<see cref="IDocumentFenceStore.TakeFenceAsync"/>) and
/// refuses, in the same transaction as the write, every fenced write made under another token; so a worker that lost
/// its lease cannot change the document after the new owner took it (DESIGN.md, "A lease fences every write").
/// </summary>
/// <remarks>
/// <see cref="FencedDocumentRegistry"/> hands the fence to the registry for the duration of one call through
/// <see cref="Current"/>, so that <see cref="IDocumentRegistry"/> keeps its shape; a registry reads it once, when the
/// call starts, and checks it inside the write's transaction.
/// </remarks>
internal sealed class WriteFence(string documentId, string token, Func<CancellationToken, Task<bool>> confirmLease, Func<bool> lostLocally)
{
    private static readonly AsyncLocal<WriteFence?> Ambient = new();

    /// <summary>Gets the fence of the registry call running on this flow, or <see langword="null"/> for an unfenced write.</summary>
    public static WriteFence? Current => Ambient.Value;

    /// <summary>Gets the document the fence covers.</summary>
    public string DocumentId => documentId;

    /// <summary>Gets the lease token of the attempt.</summary>
    public string Token => token;

    /// <summary>Gets a value indicating whether this process already knows the lease is gone (the heartbeat saw it).</summary>
    public bool LostLocally => lostLocally();

    /// <summary>Asks the job store whether the lease is still held (and extends it).</summary>
    public Task<bool> ConfirmLeaseAsync(CancellationToken cancellationToken) => confirmLease(cancellationToken);

    /// <summary>Makes this fence <see cref="Current"/> until the returned scope is disposed.</summary>
    public Scope Enter()
    {
        var previous = Ambient.Value;
        Ambient.Value = this;
        return new Scope(previous);
    }

    /// <summary>The error of a write refused because another attempt owns the document now.</summary>
    public JobLeaseLostException Refused() => new(
        $"The write to document '{documentId}' was refused: this job's lease was lost and another worker took the document over, so this attempt must stop and leave nothing behind.");

    /// <summary>Restores the previous <see cref="Current"/> when disposed.</summary>
    internal readonly struct Scope(WriteFence? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
