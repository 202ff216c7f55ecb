namespace DocPipeline.Consistency;

/// <summary>Whether one store of the data folder holds intact data, as far as the check that ran can tell.</summary>
public sealed record StoreIntegrity
{
    /// <summary>Gets the store: <c>registry</c>, <c>jobs</c>, <c>fingerprints</c>, <c>vector</c> or <c>keyword</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets what was checked, for example <c>quick_check</c> or <c>vector norms</c>.</summary>
    public required string Check { get; init; }

    /// <summary>Gets what is damaged (naming the file), or <see langword="null"/> when the check found nothing.</summary>
    public string? Error { get; init; }

    /// <summary>Gets something the check did besides checking, for example recording missing checksums, or <see langword="null"/>.</summary>
    public string? Note { get; init; }

    /// <summary>Gets a value indicating whether the check found nothing wrong.</summary>
    public bool IsIntact => Error is null;
}
