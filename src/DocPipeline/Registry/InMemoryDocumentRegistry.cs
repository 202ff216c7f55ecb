using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace DocPipeline.Registry;

/// <summary>A volatile registry for tests, chosen explicitly with <c>UseInMemoryDocumentRegistry()</c>. Same semantics as the SQLite one.</summary>
internal sealed class InMemoryDocumentRegistry(TimeProvider time) : IDocumentRegistry, IEmbeddingCache, IRunGenerationStore, ISettingsStore, IDocumentFenceStore
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, Entry> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Model, string Hash), float[]> _embeddings = [];
    private readonly Dictionary<string, string> _settings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _fences = new(StringComparer.Ordinal);
    private long _generation;

    public Task<DocumentRecord?> GetAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        lock (_lock)
        {
            return Task.FromResult(_documents.TryGetValue(documentId, out var entry) ? entry.Record : null);
        }
    }

    public Task<IReadOnlyDictionary<string, DocumentRecord>> GetManyAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        lock (_lock)
        {
            IReadOnlyDictionary<string, DocumentRecord> found = documentIds
                .Distinct(StringComparer.Ordinal)
                .Where(_documents.ContainsKey)
                .ToDictionary(id => id, id => _documents[id].Record, StringComparer.Ordinal);
            return Task.FromResult(found);
        }
    }

    public Task<IReadOnlyList<DocumentRecord>> ListAsync(DocumentQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var filter = query.Filter is null ? null : GlobToRegex(query.Filter);
        lock (_lock)
        {
            IReadOnlyList<DocumentRecord> page = _documents.Values
                .Select(e => e.Record)
                .Where(d => filter is null || filter.IsMatch(d.Source) || filter.IsMatch(d.Id))
                .Where(d => query.Status is null || d.Status == query.Status)
                .Where(d => query.After is null || string.CompareOrdinal(d.Id, query.After) > 0)
                .Take(query.Limit)
                .ToList();
            return Task.FromResult(page);
        }
    }

    public Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string documentId, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        lock (_lock)
        {
            IReadOnlyList<ChunkRecord> chunks = _documents.TryGetValue(documentId, out var entry) && entry.Versions.TryGetValue(version, out var list)
                ? list.OrderBy(c => c.Ordinal).ToList()
                : [];
            return Task.FromResult(chunks);
        }
    }

    public Task StageAsync(StagedVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        var now = time.GetUtcNow();
        lock (_lock)
        {
            CheckFence();
            if (!_documents.TryGetValue(version.DocumentId, out var entry))
            {
                entry = new Entry(new DocumentRecord { Id = version.DocumentId, Source = version.Source, CreatedAt = now });
                _documents[version.DocumentId] = entry;
            }

            if (version.Version <= entry.Record.Version)
            {
                throw new InvalidOperationException(
                    $"Cannot stage version {version.Version} of document '{version.DocumentId}': version {entry.Record.Version} is already committed.");
            }

            if (version.Chunks.FirstOrDefault(c => !string.Equals(c.DocumentId, version.DocumentId, StringComparison.Ordinal)) is { } foreign)
            {
                throw new ArgumentException($"Chunk '{foreign.ChunkId}' belongs to document '{foreign.DocumentId}', not '{version.DocumentId}'.", nameof(version));
            }

            foreach (var stale in entry.Versions.Keys.Where(v => v > entry.Record.Version).ToList())
            {
                entry.Versions.Remove(stale);
            }

            entry.Versions[version.Version] = version.Chunks.ToList();
            entry.Staged = version;
            entry.Record = entry.Record with { PendingVersion = version.Version, Status = DocumentStatus.Pending, LastError = null, UpdatedAt = now };
            AddEmbeddings(version);
        }

        return Task.CompletedTask;
    }

    private void AddEmbeddings(StagedVersion version)
    {
        if (version.NewEmbeddings.Count > 0)
        {
            var model = version.EmbeddingModel ?? throw new ArgumentException("New embeddings need an embedding model key.", nameof(version));
            foreach (var (hash, vector) in version.NewEmbeddings)
            {
                _embeddings[(model, hash)] = vector.ToArray();
            }
        }
    }

    public Task AppendStagedChunksAsync(StagedVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        lock (_lock)
        {
            CheckFence();
            if (!_documents.TryGetValue(version.DocumentId, out var entry) || entry.Record.PendingVersion != version.Version ||
                !entry.Versions.TryGetValue(version.Version, out var chunks))
            {
                throw new InvalidOperationException(
                    $"Cannot add chunks to version {version.Version} of document '{version.DocumentId}': it is not the staged version.");
            }

            if (version.Chunks.FirstOrDefault(c => !string.Equals(c.DocumentId, version.DocumentId, StringComparison.Ordinal)) is { } foreign)
            {
                throw new ArgumentException($"Chunk '{foreign.ChunkId}' belongs to document '{foreign.DocumentId}', not '{version.DocumentId}'.", nameof(version));
            }

            chunks.AddRange(version.Chunks);
            AddEmbeddings(version);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string documentId, int version, string? afterChunkId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_lock)
        {
            IReadOnlyList<ChunkRecord> page = _documents.TryGetValue(documentId, out var entry) && entry.Versions.TryGetValue(version, out var list)
                ? list.Where(c => afterChunkId is null || string.CompareOrdinal(c.ChunkId, afterChunkId) > 0)
                    .OrderBy(c => c.ChunkId, StringComparer.Ordinal)
                    .Take(limit)
                    .ToList()
                : [];
            return Task.FromResult(page);
        }
    }

    public Task SetIndexVersionsAsync(string documentId, IReadOnlyCollection<string> indexNames, int version, CancellationToken cancellationToken = default)
    {
        SetIndexVersions(documentId, indexNames, version);
        return Task.CompletedTask;
    }

    private void SetIndexVersions(string documentId, IReadOnlyCollection<string> indexNames, int version)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(indexNames);
        lock (_lock)
        {
            CheckFence();
            if (_documents.TryGetValue(documentId, out var entry))
            {
                var versions = new Dictionary<string, int>(entry.Record.IndexVersions, StringComparer.Ordinal);
                foreach (var name in indexNames)
                {
                    versions[name] = version;
                }

                entry.Record = entry.Record with { IndexVersions = versions, UpdatedAt = time.GetUtcNow() };
            }
        }
    }

    public Task<bool> CommitAsync(string documentId, int version, CancellationToken cancellationToken = default) =>
        Task.FromResult(Commit(documentId, version));

    private bool Commit(string documentId, int version)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        lock (_lock)
        {
            CheckFence();
            if (!_documents.TryGetValue(documentId, out var entry) || entry.Record.PendingVersion != version || entry.Staged is not { } staged)
            {
                return false;
            }

            foreach (var other in entry.Versions.Keys.Where(v => v != version).ToList())
            {
                entry.Versions.Remove(other);
            }

            entry.Record = entry.Record with
            {
                Version = version,
                PendingVersion = null,
                Source = staged.Source,
                ContentHash = staged.ContentHash,
                MetadataHash = staged.MetadataHash,
                Metadata = new Dictionary<string, string>(staged.Metadata, StringComparer.Ordinal),
                Status = DocumentStatus.Indexed,
                LastError = null,
                ChunkCount = entry.Versions[version].Count,
                UpdatedAt = time.GetUtcNow(),
            };
            entry.Staged = null;
            return true;
        }
    }

    public Task<bool> CommitPublishedAsync(string documentId, IReadOnlyCollection<string> indexNames, int version, long seenGeneration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(indexNames);
        lock (_lock)
        {
            // The lock is held throughout (it is reentrant), so the three steps are one write.
            if (!Commit(documentId, version))
            {
                return Task.FromResult(false);
            }

            SetIndexVersions(documentId, indexNames, version);
            if (seenGeneration > 0)
            {
                Update(documentId, r => r with { LastSeenRun = Math.Max(r.LastSeenRun, seenGeneration) }, touch: false);
            }

            return Task.FromResult(true);
        }
    }

    public Task MarkFailedAsync(string documentId, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(error);
        Update(documentId, r => r with { Status = DocumentStatus.Failed, LastError = error });
        return Task.CompletedTask;
    }

    public Task<bool> MarkRemovingAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        return Task.FromResult(Update(documentId, r => r with { Status = DocumentStatus.Removing }));
    }

    public Task<bool> RemoveAsync(string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        lock (_lock)
        {
            CheckFence();
            _fences.Remove(documentId);
            return Task.FromResult(_documents.Remove(documentId));
        }
    }

    public Task<IReadOnlyDictionary<string, ReadOnlyMemory<float>>> GetEmbeddingsAsync(string model, IReadOnlyCollection<string> textHashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(textHashes);
        lock (_lock)
        {
            var found = new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal);
            foreach (var hash in textHashes)
            {
                if (_embeddings.TryGetValue((model, hash), out var vector))
                {
                    found[hash] = vector;
                }
            }

            return Task.FromResult<IReadOnlyDictionary<string, ReadOnlyMemory<float>>>(found);
        }
    }

    public Task PutEmbeddingsAsync(string model, IReadOnlyDictionary<string, ReadOnlyMemory<float>> embeddings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(embeddings);
        lock (_lock)
        {
            foreach (var (hash, vector) in embeddings)
            {
                _embeddings[(model, hash)] = vector.ToArray();
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, ResolvedChunk>> ResolveChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunkIds);
        var wanted = chunkIds.ToHashSet(StringComparer.Ordinal);
        lock (_lock)
        {
            var found = new Dictionary<string, ResolvedChunk>(StringComparer.Ordinal);
            foreach (var entry in _documents.Values)
            {
                var source = entry.Staged?.Source ?? entry.Record.Source;
                foreach (var (_, chunks) in entry.Versions.OrderByDescending(v => v.Key))
                {
                    foreach (var chunk in chunks.Where(c => wanted.Contains(c.ChunkId)))
                    {
                        found.TryAdd(chunk.ChunkId, new ResolvedChunk(chunk, source));
                    }
                }
            }

            return Task.FromResult<IReadOnlyDictionary<string, ResolvedChunk>>(found);
        }
    }

    public async IAsyncEnumerable<RegistryEntry> StreamEntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<RegistryEntry> entries;
        lock (_lock)
        {
            entries = _documents.Values
                .Where(e => e.Record.Version > 0)
                .SelectMany(e => e.Versions[e.Record.Version].Select(c => new RegistryEntry(c.ChunkId, c.DocumentId, c.Revision)))
                .OrderBy(e => e.ChunkId, StringComparer.Ordinal)
                .ToList();
        }

        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task<long> BeginRunAsync(CancellationToken cancellationToken = default) => Task.FromResult(Interlocked.Increment(ref _generation));

    public Task<IReadOnlySet<string>> MarkSeenAndListCommittedAsync(IReadOnlyCollection<string> documentIds, long generation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        var committed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in documentIds)
        {
            Update(id, r =>
            {
                if (r.Version > 0)
                {
                    committed.Add(id);
                }

                return r with { LastSeenRun = Math.Max(r.LastSeenRun, generation) };
            }, touch: false);
        }

        return Task.FromResult<IReadOnlySet<string>>(committed);
    }

    public async IAsyncEnumerable<DocumentRecord> StreamNotSeenAsync(long generation, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        List<DocumentRecord> documents;
        lock (_lock)
        {
            documents = _documents.Values.Select(e => e.Record).Where(r => r.LastSeenRun < generation).ToList();
        }

        foreach (var document in documents)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return document;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            return Task.FromResult(_settings.TryGetValue(key, out var value) ? value : null);
        }
    }

    public Task SetSettingAsync(string key, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        lock (_lock)
        {
            _settings[key] = value;
        }

        return Task.CompletedTask;
    }

    public Task<long> PurgeUnusedEmbeddingsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var used = _documents.Values.SelectMany(e => e.Versions.Values).SelectMany(c => c).Select(c => c.TextHash).ToHashSet(StringComparer.Ordinal);
            var unused = _embeddings.Keys.Where(k => !used.Contains(k.Hash)).ToList();
            foreach (var key in unused)
            {
                _embeddings.Remove(key);
            }

            return Task.FromResult((long)unused.Count);
        }
    }

    public Task<RegistryStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var committed = _documents.Values.Where(e => e.Record.Version > 0).ToList();
            return Task.FromResult(new RegistryStatistics(
                committed.Count,
                committed.Sum(e => (long)e.Record.ChunkCount),
                _documents.Values.Count(e => e.Record.PendingVersion is not null),
                _documents.Values.Count(e => e.Record.Status == DocumentStatus.Failed),
                _embeddings.Count,
                -1));
        }
    }

    public Task TakeFenceAsync(string documentId, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(token);
        lock (_lock)
        {
            _fences[documentId] = token;
        }

        return Task.CompletedTask;
    }

    public Task<bool> HoldsFenceAsync(string documentId, string token, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_fences.TryGetValue(documentId, out var owner) && string.Equals(owner, token, StringComparison.Ordinal));
        }
    }

    /// <summary>Under the lock: refuses a write made under a <see cref="WriteFence"/> whose token no longer owns its document.</summary>
    private void CheckFence()
    {
        if (WriteFence.Current is { } fence &&
            !(_fences.TryGetValue(fence.DocumentId, out var owner) && string.Equals(owner, fence.Token, StringComparison.Ordinal)))
        {
            throw fence.Refused();
        }
    }

    private static Regex GlobToRegex(string glob) =>
        new("^" + Regex.Escape(glob).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);

    private bool Update(string documentId, Func<DocumentRecord, DocumentRecord> change, bool touch = true)
    {
        lock (_lock)
        {
            CheckFence();
            if (!_documents.TryGetValue(documentId, out var entry))
            {
                return false;
            }

            entry.Record = change(entry.Record);
            if (touch)
            {
                entry.Record = entry.Record with { UpdatedAt = time.GetUtcNow() };
            }

            return true;
        }
    }

    private sealed class Entry(DocumentRecord record)
    {
        public DocumentRecord Record { get; set; } = record;

        public StagedVersion? Staged { get; set; }

        public Dictionary<int, List<ChunkRecord>> Versions { get; } = [];
    }
}
