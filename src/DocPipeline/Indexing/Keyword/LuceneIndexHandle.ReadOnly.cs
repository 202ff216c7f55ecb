using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Microsoft.Extensions.Logging;

namespace DocPipeline.Indexing.Keyword;

/// <summary>The read-only open of a Lucene index that another process writes.</summary>
/// <remarks>
/// A read-only handle has no <see cref="IndexWriter"/> and takes no lock: its searchers are
/// <see cref="DirectoryReader"/>s opened on the last commit (<c>segments_N</c>), and the refresh timer moves them to a
/// newer commit with <see cref="DirectoryReader.OpenIfChanged(DirectoryReader)"/> as soon as the writer makes one. Lucene
/// is built for this: a commit never changes the files of an earlier one, a reader opening while the writer deletes an
/// old commit's files retries with the next <c>segments_N</c>, and on Linux a reader keeps the files it opened after the
/// writer unlinks them (on Windows the writer retries the delete later).
/// </remarks>
internal sealed partial class LuceneIndexHandle
{
    private const int MaxReadOnlyCheckAttempts = 3;

    /// <summary>Gets a value indicating whether this handle reads only (no writer).</summary>
    public bool IsReadOnly => _writer is null;

    /// <summary>
    /// Opens the last commit of the index at <paramref name="settings"/> for reading only, taking no lock and creating
    /// nothing; the refresh timer picks up newer commits.
    /// </summary>
    /// <returns>The handle, or <see langword="null"/> while the folder holds no commit yet (the writer has not created it).</returns>
    /// <exception cref="DocPipelineStorageException">The index is damaged or unreadable.</exception>
    public static LuceneIndexHandle? OpenReadOnly(LuceneKeywordIndexSettings settings, Similarity similarity, TimeProvider timeProvider, ILogger logger)
    {
        if (settings.Path is not { } folder || !System.IO.Directory.Exists(folder))
        {
            return null;
        }

        FSDirectory? directory = null;
        SearcherManager? searchers = null;
        try
        {
            // No lock factory: a reader must never create or hold write.lock.
            directory = FSDirectory.Open(new DirectoryInfo(folder), NoLockFactory.GetNoLockFactory());
            if (!DirectoryReader.IndexExists(directory))
            {
                directory.Dispose();
                return null;
            }

            searchers = new SearcherManager(directory, new Bm25SearcherFactory(similarity));
            return new LuceneIndexHandle(directory, writer: null, searchers, settings, timeProvider, logger);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            searchers?.Dispose();
            directory?.Dispose();
            throw ex as DocPipelineStorageException ?? DescribeOpenFailure(ex, settings.Location);
        }
    }

    /// <summary>
    /// Checks the commit the current searcher reads, held by that searcher meanwhile. The writer may delete that
    /// commit's files once it has made a newer one, so a problem counts only when the searcher, refreshed, still reads
    /// the same commit.
    /// </summary>
    private string? CheckReadOnlyIntegrity(bool deep, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var searcher = _searchers.Acquire();
            string? problems;
            long generation;
            try
            {
                var commit = ((DirectoryReader)searcher.IndexReader).IndexCommit;
                generation = commit.Generation;
                problems = CheckCommitIntegrity(commit, deep, cancellationToken);
            }
            finally
            {
                _searchers.Release(searcher);
            }

            if (problems is null || attempt == MaxReadOnlyCheckAttempts)
            {
                return problems;
            }

            _searchers.MaybeRefreshBlocking();
            var current = _searchers.Acquire();
            try
            {
                if (((DirectoryReader)current.IndexReader).IndexCommit.Generation == generation)
                {
                    return problems;
                }
            }
            finally
            {
                _searchers.Release(current);
            }
        }
    }

    private static InvalidOperationException ReadOnly() => new(Storage.DataFolderWriter.ReadOnlyMessage);
}
