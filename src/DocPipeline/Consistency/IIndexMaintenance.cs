namespace DocPipeline.Consistency;

/// <summary>
/// Keeps the indexes provably right: verifies them against the registry (the source of truth), repairs and rebuilds
/// them from the stored chunks and embeddings without ever calling the embedder, and backs up and restores the
/// whole data folder.
/// </summary>
/// <remarks>Operations of one instance run one at a time.</remarks>
public interface IIndexMaintenance
{
    /// <summary>
    /// Compares the registry's (document, chunk, version) set with each index's: missing chunks, orphaned chunks,
    /// stale versions and count mismatches, per index, with the documents involved; and runs the fast integrity checks
    /// of each store (see <see cref="VerifyAsync(VerifyOptions, CancellationToken)"/>). Safe while ingestion runs;
    /// documents being written meanwhile are reported as pending, not as discrepancies.
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The report.</returns>
    Task<ConsistencyReport> VerifyAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Verifies as <see cref="VerifyAsync(CancellationToken)"/> does (which runs the fast checks), and checks the
    /// integrity of what each store holds: SQLite's check of each SQLite file, the stored vectors, the Lucene files;
    /// <see cref="VerifyOptions.Deep"/> runs the thorough checks. Damage is in <see cref="ConsistencyReport.Stores"/>.
    /// </summary>
    /// <param name="options">How deep to check.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The report.</returns>
    Task<ConsistencyReport> VerifyAsync(VerifyOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes every index match the registry from stored artifacts: writes missing and stale entries again from the
    /// stored chunk text, metadata and embeddings, deletes orphans, and rebuilds an index that cannot be opened.
    /// Without <see cref="RepairOptions.AutoFix"/> it only lists what it would do. Documents a job is writing are left
    /// to that job.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>What was found and done.</returns>
    Task<RepairResult> RepairAsync(RepairOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the chosen indexes again from the stored chunks and embeddings (no re-embedding): an embedded index is
    /// written beside the live one, which serves until the new one is complete and swapped in (a rebuild that fails
    /// or is killed before leaves it serving); an index with no folder of its own is cleared and written in place. An
    /// index that cannot be opened has its files moved aside. Takes a backup first when
    /// <c>DocPipeline:IndexManagement:AutoBackup</c> is on.
    /// </summary>
    /// <param name="target">The indexes to rebuild.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is not <see cref="RebuildTarget.Vector"/>, <see cref="RebuildTarget.Keyword"/> or <see cref="RebuildTarget.Both"/>; nothing was touched.</exception>
    Task<RebuildResult> RebuildAsync(RebuildTarget target, CancellationToken cancellationToken = default);

    /// <summary>
    /// Rebuilds a lost, emptied or corrupt document registry from the indexes, for when there is no backup to restore.
    /// The vector index gives each chunk's id, document, revision, metadata (source, page…) and embedding; the chunk
    /// text, which no index stores, is read again from each document's source and must give the same chunk ids. The
    /// embedding cache is filled from the vector index, so nothing is embedded again, and the configured embedder is
    /// recorded once it reproduces a stored vector. The registry is built in a new file and swapped in; the file it
    /// replaces is moved aside. A registry that holds documents is never replaced. Every store must be closed in
    /// other processes, and this container must not have opened the registry (run it from a fresh container, for
    /// example <c>docpipe manage --rebuild-registry</c>).
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the operation; the current registry is then left as it was.</param>
    /// <returns>What was recovered and what could not be, with a verify of the result.</returns>
    Task<RegistryRebuildResult> RebuildRegistryAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Backs up the data folder while ingestion may run: an online SQLite backup of each store, a snapshot of the
    /// Lucene commit, the vector index files copied under its lock, and a manifest with versions, counts and the
    /// SHA-256 of every file. The copied indexes are reconciled with the copied registry, so a restore is consistent.
    /// </summary>
    /// <param name="options">Where and how.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The backup written.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid (the message names it, for example <c>BackupOptions.Format</c>); nothing was written.</exception>
    Task<BackupResult> BackupAsync(BackupOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the data folder's stores with a backup. The manifest and every checksum are checked first, and an
    /// archive with an absolute path, <c>..</c>, a link or an unexpected file is refused (<see cref="InvalidBackupException"/>).
    /// Every store must be closed: no other process may use the data folder, and this container must not have opened
    /// it (restore from a fresh container, for example <c>docpipe manage --restore</c>); otherwise a
    /// <see cref="DocPipelineStorageException"/> names the store in use. The backup is unpacked into a new folder and
    /// swapped in; a failed restore leaves the current data untouched.
    /// </summary>
    /// <param name="options">The backup to restore.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>What was restored.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid (the message names it, for example <c>RestoreOptions.Source</c>); nothing was touched.</exception>
    Task<RestoreResult> RestoreAsync(RestoreOptions options, CancellationToken cancellationToken = default);
}
