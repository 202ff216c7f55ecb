using Lucene.Net.Analysis;
using Lucene.Net.Codecs;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Microsoft.Extensions.Logging;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace DocPipeline.Indexing.Keyword;

/// <summary>
/// One opened Lucene index: its directory, its single <see cref="IndexWriter"/> (which holds <c>write.lock</c>), the
/// <see cref="SearcherManager"/> of searchers opened from the last commit, the group-commit thread and the refresh timer.
/// </summary>
/// <remarks>
/// <para>Searchers read the last commit point, not the writer (no near-real-time readers). Every write returns only
/// after a commit that includes it, and each commit refreshes the searcher before its writers complete, so a write
/// is still searchable when it returns; what the searchers never see is a change applied but not yet committed. A
/// near-real-time refresh would flush such changes into a new, tiny segment (files created, compounded and soon
/// merged away); a refresh from the last commit only reads <c>segments_N</c> and opens the segments the commit wrote.</para>
/// <para>A merge becomes visible, and the segments it replaced deletable, at the next commit, whose refresh lets the
/// searcher move on. Until the searchers still using the old segments are released, those files stay open: on Linux
/// the writer unlinks them and the space returns when the last searcher closes; on Windows the delete fails while they
/// are open and the writer retries it at its next flush, merge or commit.</para>
/// <para>Every commit point is kept by a <see cref="SnapshotDeletionPolicy"/> for as long as a copy of it runs, so a
/// backup copies a consistent commit while writes go on.</para>
/// </remarks>
internal sealed partial class LuceneIndexHandle : IDisposable
{
    private readonly LuceneDirectory _directory;
    private readonly IndexWriter? _writer;
    private readonly SnapshotDeletionPolicy? _snapshots;
    private readonly SearcherManager _searchers;
    private readonly GroupCommitter? _committer;
    private readonly ITimer _refreshTimer;
    private readonly string _location;
    private readonly ILogger _logger;
    private long _commits;
    private int _disposed;

    private LuceneIndexHandle(
        LuceneDirectory directory, IndexWriter? writer, SearcherManager searchers, LuceneKeywordIndexSettings settings, TimeProvider timeProvider, ILogger logger)
    {
        _directory = directory;
        _writer = writer;

        // The writer works on a clone of the configured policy; snapshots must be taken on that clone.
        _snapshots = (SnapshotDeletionPolicy?)writer?.Config.IndexDeletionPolicy;
        _searchers = searchers;
        _location = settings.Location;
        _logger = logger;
        _committer = writer is null ? null : new GroupCommitter(CommitNow, "DocPipeline keyword index commit", timeProvider);
        _refreshTimer = timeProvider.CreateTimer(static state => ((LuceneIndexHandle)state!).RefreshInBackground(), this, settings.RefreshInterval, settings.RefreshInterval);
    }

    /// <summary>Gets how many commits have run since the index was opened.</summary>
    public long CommitCount => Interlocked.Read(ref _commits);

    /// <summary>
    /// Opens the index at <paramref name="settings"/> (creating it when the folder holds none), or reports why it
    /// cannot: another process holds it, or it is damaged. It never waits for a lock.
    /// </summary>
    /// <exception cref="DocPipelineStorageException">The index is in use by another process, damaged, or unreadable.</exception>
    public static LuceneIndexHandle Open(
        LuceneKeywordIndexSettings settings, Analyzer analyzer, Similarity similarity, TimeProvider timeProvider, ILogger logger)
    {
        LuceneDirectory? directory = null;
        IndexWriter? writer = null;
        SearcherManager? searchers = null;
        try
        {
            directory = OpenDirectory(settings);
            ThrowIfCommitPointMissing(directory, settings.Location);
            var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, analyzer)
            {
                OpenMode = OpenMode.CREATE_OR_APPEND,
                Similarity = similarity,
                IndexDeletionPolicy = new SnapshotDeletionPolicy(new KeepOnlyLastCommitDeletionPolicy()),
                RAMBufferSizeMB = settings.RamBufferSizeMB,

                // Each commit writes one segment per indexing thread state; more states than cores add tiny
                // segments (and merges) without adding parallelism.
                MaxThreadStates = Math.Clamp(Environment.ProcessorCount, 1, 8),

                // Keep the segment readers that applying deletes (every upsert replaces its chunk id) and merging
                // open, instead of opening every segment again at each commit. Near-real-time readers turned this
                // on implicitly; searchers that read commits do not.
                UseReaderPooling = true,

                // Fail at once when another writer holds the folder: never wait, never hang.
                WriteLockTimeout = 0,
            };
            writer = new IndexWriter(directory, config);

            // A new index gets its first commit point (snapshots and a restart need one); for an existing one this is a no-op.
            writer.Commit();

            // Searchers read commits, not the writer: a refresh then never flushes uncommitted changes into a segment.
            // Opening the first reader opens every segment, so missing or damaged segment files are found here.
            searchers = new SearcherManager(directory, new Bm25SearcherFactory(similarity));
            return new LuceneIndexHandle(directory, writer, searchers, settings, timeProvider, logger);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            searchers?.Dispose();
            if (writer is not null)
            {
                // Roll back instead of closing: closing would commit, and a damaged index must be left as it was.
                TryQuietly(writer.Rollback);
            }

            directory?.Dispose();
            throw ex as DocPipelineStorageException ?? DescribeOpenFailure(ex, settings.Location);
        }
    }

    /// <summary>
    /// Deletes every Lucene file in the index folder (files named <c>segments*</c> or <c>_*</c>), holding the write
    /// lock while it does, so that the next <see cref="Open"/> creates an empty index. Other files are left alone.
    /// </summary>
    /// <exception cref="DocPipelineStorageException">Another process holds the index, or a file cannot be deleted.</exception>
    public static void Wipe(string folder)
    {
        try
        {
            System.IO.Directory.CreateDirectory(folder);
            using var directory = FSDirectory.Open(new DirectoryInfo(folder), new ExclusiveFileLockFactory());
            using var writeLock = directory.MakeLock(IndexWriter.WRITE_LOCK_NAME);
            if (!writeLock.Obtain())
            {
                throw InUse(folder, null);
            }

            foreach (var file in directory.ListAll())
            {
                if (file.StartsWith(IndexFileNames.SEGMENTS, StringComparison.Ordinal) || file.StartsWith('_'))
                {
                    directory.DeleteFile(file);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DocPipelineStorageException($"The keyword index '{folder}' cannot be wiped: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Swaps in a finished rebuild lying beside <paramref name="folder"/>, or deletes one that died (see
    /// <see cref="RebuildStaging"/>), holding the folder's write lock while it does. When another process holds the
    /// lock, that process deals with them.
    /// </summary>
    /// <exception cref="DocPipelineStorageException">A file cannot be moved or deleted.</exception>
    public static void RecoverRebuild(string folder, ILogger logger)
    {
        if (!RebuildStaging.AnyBeside(folder))
        {
            return;
        }

        System.IO.Directory.CreateDirectory(folder);
        using var writeLock = new ExclusiveFileLock(Path.Combine(folder, IndexWriter.WRITE_LOCK_NAME));
        if (!writeLock.Obtain())
        {
            return;
        }

        RebuildStaging.Recover(folder, IsIndexFile, TryLockStaging, logger);
    }

    /// <summary>Whether a file of the index folder is a Lucene index file (<c>segments*</c> or <c>_*</c>), not its lock.</summary>
    public static bool IsIndexFile(string name) => name.StartsWith(IndexFileNames.SEGMENTS, StringComparison.Ordinal) || name.StartsWith('_');

    private static ExclusiveFileLock? TryLockStaging(string staging)
    {
        var stagingLock = new ExclusiveFileLock(Path.Combine(staging, IndexWriter.WRITE_LOCK_NAME));
        if (stagingLock.Obtain())
        {
            return stagingLock;
        }

        stagingLock.Dispose();
        return null;
    }

    /// <summary>
    /// Hands <paramref name="change"/> to the commit thread, which applies it together with the other writes waiting
    /// (one thread: each commit flushes one segment) and commits; completes when that commit is durable and searchable.
    /// </summary>
    public Task ApplyAndCommitAsync(Action<IndexWriter> change, CancellationToken cancellationToken) =>
        (_committer ?? throw ReadOnly()).ApplyAndCommitAsync(() => Write(change), cancellationToken);

    /// <summary>Takes the current searcher; give it back with <see cref="Release"/>.</summary>
    public IndexSearcher Acquire() => _searchers.Acquire();

    /// <summary>Gives back a searcher taken with <see cref="Acquire"/>.</summary>
    public void Release(IndexSearcher searcher) => _searchers.Release(searcher);

    /// <summary>
    /// Runs a change on the writer, reporting storage failures with the index's location. Group-committed writes run
    /// on the commit thread (<see cref="ApplyAndCommitAsync"/>); writes that commit alone run on the caller's thread.
    /// </summary>
    public void Write(Action<IndexWriter> change)
    {
        try
        {
            change(_writer ?? throw ReadOnly());
        }
        catch (IOException ex)
        {
            throw new DocPipelineStorageException($"The keyword index '{_location}' failed to write: {ex.Message}", ex);
        }
    }

    /// <summary>Gets the bytes the index files take (in memory for an in-memory index).</summary>
    public long SizeBytes()
    {
        long total = 0;
        foreach (var file in _directory.ListAll())
        {
            try
            {
                total += _directory.FileLength(file);
            }
            catch (FileNotFoundException)
            {
                // Deleted by a merge between listing and measuring.
            }
        }

        return total;
    }

    /// <summary>
    /// Copies the last commit into <paramref name="destination"/> (an empty or missing folder) and flushes it to disk.
    /// The commit is held by a snapshot while it is copied, so writes and merges may continue meanwhile.
    /// </summary>
    public void CopyCommitTo(string destination, CancellationToken cancellationToken)
    {
        if (System.IO.Directory.Exists(destination) && System.IO.Directory.EnumerateFileSystemEntries(destination).Any())
        {
            throw new ArgumentException($"The copy of the keyword index needs an empty folder, and '{destination}' is not empty.", nameof(destination));
        }

        var snapshots = _snapshots ?? throw ReadOnly();
        System.IO.Directory.CreateDirectory(destination);
        var commit = snapshots.Snapshot();
        try
        {
            var files = commit.FileNames;
            using var target = FSDirectory.Open(new DirectoryInfo(destination), NoLockFactory.GetNoLockFactory());
            foreach (var file in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _directory.Copy(target, file, file, IOContext.DEFAULT);
            }

            target.Sync(files);
            LuceneKeywordIndexLog.Copied(_logger, commit.Generation, _location, destination, files.Count);
        }
        catch (IOException ex)
        {
            throw new DocPipelineStorageException($"Copying the keyword index '{_location}' to '{destination}' failed: {ex.Message}", ex);
        }
        finally
        {
            snapshots.Release(commit);
            TryQuietly(_writer!.DeleteUnusedFiles);
        }
    }

    /// <summary>
    /// Checks the files of the last commit, held by a snapshot meanwhile: each must open and end with a valid Lucene
    /// footer (cheap: a truncated or replaced file fails); <paramref name="deep"/> reads every file to compare it with
    /// its checksum and runs Lucene's <see cref="CheckIndex"/>, which decodes every segment.
    /// </summary>
    /// <returns><see langword="null"/> when the index is intact; otherwise what was found.</returns>
    public string? CheckIntegrity(bool deep, CancellationToken cancellationToken) =>
        _snapshots is null ? CheckReadOnlyIntegrity(deep, cancellationToken) : CheckCommitIntegrity(_snapshots.Snapshot(), deep, cancellationToken);

    private string? CheckCommitIntegrity(IndexCommit commit, bool deep, CancellationToken cancellationToken)
    {
        const int MaxProblems = 3;
        try
        {
            var problems = new List<string>();
            foreach (var file in commit.FileNames)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    using var input = _directory.OpenInput(file, IOContext.READ_ONCE);
                    _ = deep ? CodecUtil.ChecksumEntireFile(input) : CodecUtil.RetrieveChecksum(input);
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException or ArgumentException)
                {
                    problems.Add($"{file}: {ex.Message}");
                }
            }

            if (deep && problems.Count == 0)
            {
                var output = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
                var checker = new CheckIndex(_directory);
                checker.InfoStream = output;
                var status = checker.DoCheckIndex();

                // CheckIndex reads the latest commit; a commit made since the snapshot is checked by the next verify.
                if (!status.Clean && status.SegmentsFileName == commit.SegmentsFileName)
                {
                    var failures = output.ToString().Split('\n').Select(line => line.Trim())
                        .Where(line => line.StartsWith("ERROR", StringComparison.Ordinal) || line.StartsWith("FAILED", StringComparison.Ordinal) || line.Contains("Exception:", StringComparison.Ordinal))
                        .Take(MaxProblems);
                    problems.Add($"Lucene's CheckIndex found {status.NumBadSegments} broken segments of {status.NumSegments} ({string.Join("; ", failures)})");
                }
            }

            return problems.Count == 0
                ? null
                : $"The keyword index '{_location}' is damaged (commit {commit.SegmentsFileName}): {string.Join("; ", problems.Take(MaxProblems))}" +
                  (problems.Count > MaxProblems ? $" and {problems.Count - MaxProblems} more" : string.Empty) +
                  ". Rebuild the keyword index, or restore it from a backup.";
        }
        finally
        {
            if (_snapshots is not null)
            {
                _snapshots.Release(commit);
                TryQuietly(_writer!.DeleteUnusedFiles);
            }
        }
    }

    /// <summary>
    /// Stops the timer and the commit thread (committing for writes still waiting), then closes the searchers, the
    /// writer (which commits anything applied since and releases <c>write.lock</c>) and the directory.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _refreshTimer.Dispose();
        _committer?.Dispose();
        try
        {
            _searchers.Dispose();

            // Running merges are aborted rather than awaited, so shutdown is quick; they run again after a restart.
            _writer?.Dispose(waitForMerges: false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            LuceneKeywordIndexLog.CloseFailed(_logger, _location, ex);
            if (_writer is not null)
            {
                TryQuietly(_writer.Rollback);
            }
        }
        finally
        {
            _directory.Dispose();
        }
    }

    private static LuceneDirectory OpenDirectory(LuceneKeywordIndexSettings settings)
    {
        if (settings.Path is null)
        {
            return new RAMDirectory();
        }

        System.IO.Directory.CreateDirectory(settings.Path);
        return FSDirectory.Open(new DirectoryInfo(settings.Path), new ExclusiveFileLockFactory());
    }

    /// <summary>
    /// Refuses a folder that holds segment files but no commit point (<c>segments_N</c>). Lucene would take it for
    /// a new index and delete those files; DocPipeline reports it instead, like any other damage.
    /// </summary>
    private static void ThrowIfCommitPointMissing(LuceneDirectory directory, string location)
    {
        if (DirectoryReader.IndexExists(directory))
        {
            return;
        }

        var segmentFile = directory.ListAll().FirstOrDefault(file => file.StartsWith('_'));
        if (segmentFile is not null)
        {
            throw Damaged(location, $"it holds segment files such as '{segmentFile}' but no segments_N commit point", null);
        }
    }

    private static DocPipelineStorageException DescribeOpenFailure(Exception ex, string location) => ex switch
    {
        LockObtainFailedException => InUse(location, ex),
        IndexFormatTooNewException or IndexFormatTooOldException => Damaged(location, $"written by an incompatible version of Lucene: {ex.Message}", ex),
        UnauthorizedAccessException => new DocPipelineStorageException(
            $"The keyword index '{location}' cannot be opened ({ex.Message}). Check that this process may read and write the folder.", ex),
        _ => Damaged(location, $"{ex.GetType().Name}: {ex.Message}", ex),
    };

    private static DocPipelineStorageException Damaged(string location, string detail, Exception? ex) => new(
        $"The keyword index '{location}' cannot be opened: it is damaged or incomplete ({detail}). " +
        "It was left untouched: rebuild the keyword index, or restore it from a backup.",
        ex);

    private static DocPipelineStorageException InUse(string location, Exception? ex) => new(
        $"The keyword index '{location}' is in use by another process: its {IndexWriter.WRITE_LOCK_NAME} is held. " +
        "Only one process (and one DocPipeline container) may open an index folder; stop the other one or give this one its own DocPipeline:KeywordIndex:Path.",
        ex);

    private static void TryQuietly(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Best effort on a path that is already failing or closing.
        }
    }

    /// <summary>
    /// Commits everything applied so far and refreshes the searcher, on the caller's thread. The group commit runs
    /// this once for every write waiting; writes that commit alone (<see cref="LuceneKeywordIndexSettings.GroupCommit"/>) call it directly.
    /// </summary>
    public void CommitNow()
    {
        try
        {
            (_writer ?? throw ReadOnly()).Commit();
            Interlocked.Increment(ref _commits);
            _searchers.MaybeRefreshBlocking();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LuceneKeywordIndexLog.CommitFailed(_logger, _location, ex);
            throw new DocPipelineStorageException($"The keyword index '{_location}' failed to commit: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The timer's refresh. Every commit refreshes the searcher itself; this one picks up a commit whose refresh
    /// failed. When nothing was committed since the last refresh it only reads <c>segments_N</c>.
    /// </summary>
    private void RefreshInBackground()
    {
        try
        {
            _searchers.MaybeRefresh();
        }
        catch (ObjectDisposedException)
        {
            // The index is closing.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LuceneKeywordIndexLog.RefreshFailed(_logger, _location, ex);
        }
    }
}
