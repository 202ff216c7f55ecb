namespace DocPipeline.Maintenance;

/// <summary>
/// A store that is put back from a backup through the container: a part of a backup that does not live in the data
/// folder (a remote or third-party store). The stores of the data folder are swapped in by the restore itself.
/// </summary>
/// <remarks>
/// The restore checks the manifest and every checksum, and unpacks the part aside, before it calls
/// <see cref="RestoreAsync"/>; a backup that holds a part no registered store restores is refused before anything
/// changes.
/// </remarks>
public interface IStoreRestore
{
    /// <summary>Gets the name of the part, as <see cref="IStoreBackup.Name"/> wrote it.</summary>
    string Name { get; }

    /// <summary>
    /// Replaces the store's state with the snapshot at <paramref name="source"/> (what <see cref="IStoreBackup.BackupAsync"/>
    /// wrote, checked). Build the new state aside and swap it in, so that a failure leaves the current state serving.
    /// </summary>
    /// <param name="source">The checked snapshot: a file or a folder, deleted after the call.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>A task that completes when the store holds the snapshot.</returns>
    Task RestoreAsync(string source, CancellationToken cancellationToken = default);
}
