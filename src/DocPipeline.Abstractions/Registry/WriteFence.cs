using DocPipeline.Jobs;

namespace DocPipeline.Registry;

/// <summary>
/// A job attempt's right to write one document: the lease token under which it claimed the job. A registry that
/// implements <see cref="IDocumentFenceStore"/> records the token of the attempt that last took the document and
/// refuses, in the same transaction as the write, every fenced write made under another token; so a worker that lost
/// its lease cannot change the document after the new owner took it (a lease fences every write a job makes).
/// </summary>
/// <remarks>
/// <para>A queue hands the fence of a running attempt to its handler through <see cref="Queue.JobContext.WriteFence"/>.
/// The pipeline makes the fence <see cref="Current"/> for the duration of each registry call (<see cref="Enter"/>), so
/// that <see cref="IDocumentRegistry"/> keeps its shape; a registry reads <see cref="Current"/> once, when the call
/// starts (on the caller's flow), and checks it inside the write's transaction, throwing <see cref="Refused"/> when
/// another token owns the document.</para>
/// </remarks>
/// <param name="documentId">The document the job writes.</param>
/// <param name="token">The lease token of the attempt (<see cref="JobLease.Token"/>).</param>
/// <param name="confirmLease">Asks the job store whether the lease is still held (and extends it).</param>
/// <param name="lostLocally">Says whether this process already knows the lease is gone (for example its heartbeat saw it).</param>
public sealed class WriteFence(string documentId, string token, Func<CancellationToken, Task<bool>> confirmLease, Func<bool> lostLocally)
{
    private static readonly AsyncLocal<WriteFence?> Ambient = new();
    private readonly Func<CancellationToken, Task<bool>> _confirmLease = confirmLease ?? throw new ArgumentNullException(nameof(confirmLease));
    private readonly Func<bool> _lostLocally = lostLocally ?? throw new ArgumentNullException(nameof(lostLocally));

    /// <summary>Gets the fence of the registry call running on this flow, or <see langword="null"/> for an unfenced write.</summary>
    public static WriteFence? Current => Ambient.Value;

    /// <summary>Gets the document the fence covers.</summary>
    public string DocumentId { get; } = string.IsNullOrEmpty(documentId) ? throw new ArgumentException("A write fence needs a document id.", nameof(documentId)) : documentId;

    /// <summary>Gets the lease token of the attempt.</summary>
    public string Token { get; } = string.IsNullOrEmpty(token) ? throw new ArgumentException("A write fence needs a lease token.", nameof(token)) : token;

    /// <summary>Gets a value indicating whether this process already knows the lease is gone (the heartbeat saw it).</summary>
    public bool LostLocally => _lostLocally();

    /// <summary>Asks the job store whether the lease is still held (and extends it).</summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="true"/> while the attempt still holds its lease.</returns>
    public Task<bool> ConfirmLeaseAsync(CancellationToken cancellationToken) => _confirmLease(cancellationToken);

    /// <summary>Makes this fence <see cref="Current"/> on this flow until the returned scope is disposed.</summary>
    /// <returns>The scope; disposing it restores the previous <see cref="Current"/>.</returns>
    public Scope Enter()
    {
        var previous = Ambient.Value;
        Ambient.Value = this;
        return new Scope(previous);
    }

    /// <summary>Creates the error of a write refused because another attempt owns the document now.</summary>
    /// <returns>The exception to throw.</returns>
    public JobLeaseLostException Refused() => new(
        $"The write to document '{DocumentId}' was refused: this job's lease was lost and another worker took the document over, so this attempt must stop and leave nothing behind.");

    /// <summary>Restores the previous <see cref="Current"/> when disposed; returned by <see cref="Enter"/>.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly WriteFence? _previous;

        internal Scope(WriteFence? previous) => _previous = previous;

        /// <summary>Restores the fence that was current before <see cref="Enter"/>.</summary>
        public void Dispose() => Ambient.Value = _previous;
    }
}
