namespace DocPipeline.Maintenance;

/// <summary>What <see cref="IStoreBackup.BackupAsync"/> did with one part.</summary>
public sealed record StoreBackupPart
{
    private StoreBackupPart(bool isWritten, string? reason)
    {
        IsWritten = isWritten;
        Reason = reason;
    }

    /// <summary>Gets a value indicating whether the snapshot was written to the destination.</summary>
    public bool IsWritten { get; }

    /// <summary>Gets why the part is not in the backup (reported with the backup), or <see langword="null"/> when written.</summary>
    public string? Reason { get; }

    /// <summary>The snapshot was written.</summary>
    /// <returns>The result.</returns>
    public static StoreBackupPart Written() => new(true, null);

    /// <summary>The store is backed up another way, for example by its server; the backup reports the reason.</summary>
    /// <param name="reason">Why, and how to back the store up (for example <c>held by PostgreSQL: back it up with pg_dump</c>).</param>
    /// <returns>The result.</returns>
    public static StoreBackupPart NotWritten(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(false, reason);
    }
}
