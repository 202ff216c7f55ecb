namespace DocPipeline.Maintenance;

/// <summary>
/// A store that holds durable state and takes part in backups: it writes its own snapshot into the backup, where each
/// file is checksummed in the manifest. Register it with
/// <c>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;IStoreBackup, MyStoreBackup&gt;())</c>; every registered
/// part is found in the container, and a part that is in use but writes nothing is reported, never silently left out.
/// </summary>
/// <remarks>
/// Parts are written one after the other: the job store, the fingerprint store, the document registry, any other
/// part, then the indexes. A store restored from a backup implements <see cref="IStoreRestore"/> as well.
/// </remarks>
public interface IStoreBackup
{
    /// <summary>
    /// Gets the name of the part (for example <c>registry</c>, <c>vector</c>, or a name of your own made of lower-case
    /// letters, digits and <c>-</c>), unique among the parts in use.
    /// </summary>
    string Name { get; }

    /// <summary>
    /// Gets a value indicating whether the store this part stands for is the one the pipeline uses. A part that is not
    /// in use is left out of backups (a part with the same name that is in use stands for it).
    /// </summary>
    bool IsInUse { get; }

    /// <summary>
    /// Writes a consistent snapshot of the store to <paramref name="destination"/>: a file or a folder (with files
    /// only) created there. Ingestion may run meanwhile.
    /// </summary>
    /// <param name="destination">A path that does not exist yet, in a folder that does.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>What was written, or why the store is not in the backup.</returns>
    Task<StoreBackupPart> BackupAsync(string destination, CancellationToken cancellationToken = default);
}
