using System.Runtime.CompilerServices;
using DocPipeline.Configuration;
using DocPipeline.Storage;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Indexing.Keyword;

/// <summary>
/// The embedded keyword index: Lucene.Net with the English analyzer (stemming, stop words) and BM25 ranking, on disk
/// (the default) or in memory (for tests, chosen explicitly).
/// </summary>
/// <remarks>
/// <para>One instance owns the folder's single <see cref="IndexWriter"/>. A write hands its changes to the commit
/// thread and waits: that thread applies the changes of every write waiting, one after another, commits once for
/// all of them and refreshes the searcher before completing them, so a completed write is durable and searchable,
/// eight concurrent writes cost one or two commits instead of eight, and each commit flushes a single segment (writes
/// applied on several threads would flush one segment per thread at every commit, each with its files, fsyncs and
/// later merges). Searchers read the last commit, never changes applied but not yet committed (see
/// <see cref="LuceneIndexHandle"/>).</para>
/// <para>The folder is opened on first use. A folder held by another process or a damaged index is reported as a
/// <see cref="DocPipelineStorageException"/> naming the folder, and the next call tries again.</para>
/// </remarks>
internal sealed partial class LuceneKeywordIndex : IKeywordIndex, IDisposable
{
    private const int YieldEvery = 4096;

    private readonly LuceneKeywordIndexSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Analyzer _analyzer = new EnglishAnalyzer(LuceneVersion.LUCENE_48);
    private readonly Similarity _similarity = new BM25Similarity();
    private readonly Lock _openLock = new();
    private readonly Lock _soloCommitLock = new();
    private volatile LuceneIndexHandle? _handle;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="LuceneKeywordIndex"/> class. Nothing is opened until first use.</summary>
    public LuceneKeywordIndex(LuceneKeywordIndexSettings settings, TimeProvider timeProvider, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _settings = settings;
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Name => "keyword";

    /// <summary>Gets the index folder, or <c>in-memory</c>.</summary>
    public string Location => _settings.Location;

    /// <summary>Gets a value indicating whether the index lives in memory only.</summary>
    public bool IsInMemory => _settings.IsInMemory;

    /// <summary>Gets how many commits have run since the index was opened (0 before it is).</summary>
    internal long CommitCount => _handle?.CommitCount ?? 0;

    /// <summary>Creates the default, on-disk index at the folder configured in <see cref="KeywordIndexOptions.Path"/>.</summary>
    public static LuceneKeywordIndex CreateOnDisk(IServiceProvider services)
    {
        // One writing process per index folder: the index enters the data folder's writer lock before it opens write.lock.
        var folderWriter = services.GetService<Storage.DataFolderWriter>();
        folderWriter?.Require();
        var index = Create(services, LuceneKeywordIndexSettings.OnDisk(services.GetRequiredService<IOptions<DocPipelineOptions>>().Value));
        index._folderWriter = folderWriter;
        return index;
    }

    /// <summary>Creates an in-memory index (for tests: nothing survives the process).</summary>
    public static LuceneKeywordIndex CreateInMemory(IServiceProvider services) =>
        Create(services, LuceneKeywordIndexSettings.InMemory(services.GetRequiredService<IOptions<DocPipelineOptions>>().Value));

    /// <inheritdoc />
    public async Task UpsertAsync(IReadOnlyList<KeywordRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            Validate(record);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (records.Count == 0)
        {
            return;
        }

        await WriteAndCommitAsync(
            writer =>
            {
                var metadataJson = new SameInstanceMemo<IReadOnlyDictionary<string, string>, string?>(KeywordFields.MetadataJson);
                var documents = new KeywordDocumentBuilder();
                foreach (var record in records)
                {
                    writer.UpdateDocument(KeywordFields.ChunkTerm(record.ChunkId), documents.Build(record, metadataJson.Get(record.Metadata)));
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task DeleteChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default) =>
        DeleteAsync(ToTerms(chunkIds, KeywordFields.ChunkTerm), cancellationToken);

    /// <inheritdoc />
    public Task DeleteDocumentsAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default) =>
        DeleteAsync(ToTerms(documentIds, KeywordFields.DocumentTerm), cancellationToken);

    /// <inheritdoc />
    public Task ClearAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return WriteAndCommitAsync(writer => writer.DeleteAll(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<IndexHit>> SearchAsync(string query, int topK, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        cancellationToken.ThrowIfCancellationRequested();
        var luceneQuery = KeywordQueryBuilder.Build(_analyzer, query);
        if (luceneQuery is null)
        {
            return Task.FromResult<IReadOnlyList<IndexHit>>([]);
        }

        if (TryOpen() is not { } handle)
        {
            return Task.FromResult<IReadOnlyList<IndexHit>>([]);
        }

        var searcher = handle.Acquire();
        try
        {
            // Lucene caps the size of its result queue at the number of documents, so a huge topK costs nothing extra.
            var top = searcher.Search(luceneQuery, topK);
            var hits = new List<IndexHit>(top.ScoreDocs.Length);
            var visitor = new IndexEntryVisitor();
            foreach (var scoreDoc in top.ScoreDocs)
            {
                visitor.Reset();
                searcher.Doc(scoreDoc.Doc, visitor);
                var entry = visitor.Entry;
                hits.Add(new IndexHit(entry.ChunkId, entry.DocumentId, entry.Version, scoreDoc.Score));
            }

            return Task.FromResult<IReadOnlyList<IndexHit>>(hits);
        }
        finally
        {
            handle.Release(searcher);
        }
    }

    /// <inheritdoc />
    /// <inheritdoc/>
    public IAsyncEnumerable<IndexEntry>? ListEntriesInOrder(CancellationToken cancellationToken = default) =>
        LuceneSortedEntries.ReadAsync(this, cancellationToken);

    public async IAsyncEnumerable<IndexEntry> ListEntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (TryOpen() is not { } handle)
        {
            yield break;
        }

        // One searcher for the whole enumeration: a consistent point in time, however long the caller takes.
        var searcher = handle.Acquire();
        try
        {
            var visitor = new IndexEntryVisitor();
            var count = 0;
            foreach (var leaf in searcher.IndexReader.Leaves)
            {
                var reader = leaf.AtomicReader;
                var live = reader.LiveDocs;
                for (var doc = 0; doc < reader.MaxDoc; doc++)
                {
                    if (live is not null && !live.Get(doc))
                    {
                        continue;
                    }

                    visitor.Reset();
                    reader.Document(doc, visitor);
                    yield return visitor.Entry;
                    if (++count % YieldEvery == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        await Task.Yield();
                    }
                }
            }
        }
        finally
        {
            handle.Release(searcher);
        }
    }

    /// <inheritdoc />
    public Task<IndexStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (TryOpen() is not { } handle)
        {
            return Task.FromResult(new IndexStatistics(0, 0, 0));
        }

        var searcher = handle.Acquire();
        try
        {
            var reader = searcher.IndexReader;
            var statistics = new IndexStatistics(reader.NumDocs, CountDocuments(reader, cancellationToken), handle.SizeBytes());
            return Task.FromResult(statistics);
        }
        finally
        {
            handle.Release(searcher);
        }
    }

    /// <summary>
    /// Copies the last commit into <paramref name="destinationDirectory"/> (which must be empty or missing) while
    /// writes may go on; the copy opens as an index holding exactly that commit.
    /// </summary>
    /// <exception cref="DocPipelineStorageException">The index cannot be opened, or a file cannot be copied.</exception>
    internal Task CopyToAsync(string destinationDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationDirectory);
        var destination = Path.GetFullPath(destinationDirectory);
        var handle = OpenOrReport();
        return Task.Run(() => handle.CopyCommitTo(destination, cancellationToken), cancellationToken);
    }

    /// <summary>Checks the files of the last commit (see <see cref="LuceneIndexHandle.CheckIntegrity"/>).</summary>
    /// <param name="deep">Read every file against its checksum and run Lucene's CheckIndex.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns><see langword="null"/> when intact; otherwise what was found.</returns>
    /// <exception cref="DocPipelineStorageException">The index cannot be opened.</exception>
    internal Task<string?> CheckIntegrityAsync(bool deep, CancellationToken cancellationToken)
    {
        if (TryOpen() is not { } handle)
        {
            return Task.FromResult<string?>(null);
        }

        return Task.Run(() => handle.CheckIntegrity(deep, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Opens the index if it is not open yet, or reports why it cannot (<see cref="DocPipelineStorageException"/>).
    /// A failure is not remembered: the next call tries again, for example after the other process stopped.
    /// </summary>
    internal LuceneIndexHandle OpenOrReport() =>
        TryOpen() ?? throw new DocPipelineStorageException(
            $"The keyword index '{Location}' holds no commit yet: the process that writes the data folder has not created it. Try again once it has.");

    /// <summary>
    /// Opens the index if it is not open yet, like <see cref="OpenOrReport"/>; read-only, it returns
    /// <see langword="null"/> while the folder holds no commit yet, and tries again on the next call.
    /// </summary>
    private LuceneIndexHandle? TryOpen()
    {
        if (_handle is { } open)
        {
            return open;
        }

        lock (_openLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _handle ??= Open();
        }
    }

    /// <summary>
    /// Closes the index, deletes its files and opens it empty: the way out of a damaged index, before a rebuild
    /// replays it. Callers stop writing first; operations running meanwhile fail with <see cref="ObjectDisposedException"/>.
    /// </summary>
    /// <exception cref="DocPipelineStorageException">Another process holds the folder, or a file cannot be deleted.</exception>
    internal Task RecreateAsync(CancellationToken cancellationToken)
    {
        Reopen(wipe: true, cancellationToken);
        LuceneKeywordIndexLog.Recreated(_logger, Location);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Closes the index and opens it again; a finished rebuild beside the folder is swapped in on the way (see
    /// <see cref="RebuildStaging"/>). Operations running meanwhile fail with <see cref="ObjectDisposedException"/>.
    /// </summary>
    /// <exception cref="DocPipelineStorageException">The index cannot be opened again.</exception>
    internal Task ReopenAsync(CancellationToken cancellationToken)
    {
        Reopen(wipe: false, cancellationToken);
        return Task.CompletedTask;
    }

    /// <summary>Commits what is still waiting, closes the writer (releasing the folder) and the searchers.</summary>
    public void Dispose()
    {
        LuceneIndexHandle? handle;
        lock (_openLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            handle = _handle;
            _handle = null;
        }

        handle?.Dispose();
        _analyzer.Dispose();
    }

    private void Reopen(bool wipe, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly();
        cancellationToken.ThrowIfCancellationRequested();
        lock (_openLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var old = _handle;
            _handle = null;
            old?.Dispose();
            if (wipe && _settings.Path is { } folder)
            {
                LuceneIndexHandle.Wipe(folder);
            }

            _handle = Open();
        }
    }

    private static LuceneKeywordIndex Create(IServiceProvider services, LuceneKeywordIndexSettings settings) => new(
        settings,
        services.GetRequiredService<TimeProvider>(),
        services.GetService<ILoggerFactory>()?.CreateLogger<LuceneKeywordIndex>());

    private static void Validate(KeywordRecord record)
    {
        if (record is null)
        {
            throw new ArgumentException("The records must not contain null.", "records");
        }

        if (string.IsNullOrEmpty(record.ChunkId) || string.IsNullOrEmpty(record.DocumentId) || record.Text is null)
        {
            throw new ArgumentException(
                $"Every keyword record needs a chunk id, a document id and a text (chunk '{record.ChunkId}', document '{record.DocumentId}').", "records");
        }
    }

    private static Term[] ToTerms(IReadOnlyCollection<string> ids, Func<string, Term> toTerm)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var terms = new Term[ids.Count];
        var i = 0;
        foreach (var id in ids)
        {
            if (string.IsNullOrEmpty(id))
            {
                throw new ArgumentException("The ids must not contain null or empty values.", nameof(ids));
            }

            terms[i++] = toTerm(id);
        }

        return terms;
    }

    private Task DeleteAsync(Term[] terms, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return terms.Length == 0 ? Task.CompletedTask : WriteAndCommitAsync(writer => writer.DeleteDocuments(terms), cancellationToken);
    }

    /// <summary>Has the change applied and committed (shared with the writes waiting at that moment); returns once it is durable and searchable.</summary>
    private async Task WriteAndCommitAsync(Action<IndexWriter> change, CancellationToken cancellationToken)
    {
        ThrowIfReadOnly();
        await EnterFolderWriterAsync(cancellationToken).ConfigureAwait(false);
        var handle = OpenOrReport();
        if (!_settings.GroupCommit)
        {
            lock (_soloCommitLock)
            {
                handle.Write(change);
                handle.CommitNow();
            }

            return;
        }

        await handle.ApplyAndCommitAsync(change, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Counts the distinct document ids that still have a live chunk: one walk over the document id terms.</summary>
    private static long CountDocuments(IndexReader reader, CancellationToken cancellationToken)
    {
        var terms = MultiFields.GetTerms(reader, KeywordFields.DocumentId);
        if (terms is null)
        {
            return 0;
        }

        var live = MultiFields.GetLiveDocs(reader);
        var termsEnum = terms.GetEnumerator();
        DocsEnum? docs = null;
        long count = 0;
        while (termsEnum.MoveNext())
        {
            if (live is null)
            {
                count++;
                continue;
            }

            docs = termsEnum.Docs(live, docs, DocsFlags.NONE);
            if (docs.NextDoc() != DocIdSetIterator.NO_MORE_DOCS)
            {
                count++;
            }

            if (count % YieldEvery == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        return count;
    }

    private void ThrowIfReadOnly()
    {
        if (_settings.ReadOnly)
        {
            throw new InvalidOperationException(Storage.DataFolderWriter.ReadOnlyMessage);
        }
    }

    private LuceneIndexHandle? Open()
    {
        try
        {
            if (_settings.ReadOnly && !_settings.IsInMemory)
            {
                // No writer, no lock, no recovery of a rebuild: that is the writing process's to do.
                return LuceneIndexHandle.OpenReadOnly(_settings, _similarity, _timeProvider, _logger);
            }

            if (_settings.Path is { } folder)
            {
                EnterFolderWriter();
                LuceneIndexHandle.RecoverRebuild(folder, _logger);
            }

            var handle = LuceneIndexHandle.Open(_settings, _analyzer, _similarity, _timeProvider, _logger);
            var searcher = handle.Acquire();
            try
            {
                LuceneKeywordIndexLog.Opened(_logger, Location, searcher.IndexReader.NumDocs);
            }
            finally
            {
                handle.Release(searcher);
            }

            return handle;
        }
        catch (DocPipelineStorageException ex)
        {
            LuceneKeywordIndexLog.OpenFailed(_logger, Location, ex);
            throw;
        }
    }
}
