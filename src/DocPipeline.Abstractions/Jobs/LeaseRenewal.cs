namespace DocPipeline.Jobs;

/// <summary>The outcome of renewing a lease.</summary>
/// <param name="Renewed"><see langword="true"/> when the lease is still held and was extended.</param>
/// <param name="ExpiresAt">The new expiry when renewed.</param>
/// <param name="CancelRequested"><see langword="true"/> when somebody asked to cancel the job.</param>
public readonly record struct LeaseRenewal(bool Renewed, DateTimeOffset? ExpiresAt, bool CancelRequested);
