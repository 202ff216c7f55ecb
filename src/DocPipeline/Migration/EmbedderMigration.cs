using DocPipeline.Configuration;
using DocPipeline.Embeddings;
using DocPipeline.Indexing;
using DocPipeline.Registry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Migration;

/// <summary>
/// The embedder migration (<see cref="IEmbedderMigration"/>): builds the new vector generation from the registry's
/// chunk text in batches of <see cref="EmbeddingOptions.BatchSize"/> chunks, saving its cursor after each, so that a
/// killed build resumes where it stopped; then, holding the data folder's writer lock, catches the new generation up
/// with documents changed meanwhile, verifies it against the registry and switches.
/// </summary>
/// <remarks>
/// The build itself does not take the writer lock: another process may ingest meanwhile (into the serving generation),
/// and the catch-up before the switch brings its changes into the new one.
/// </remarks>
internal sealed partial class EmbedderMigration(
    IVectorIndex vectorIndex,
    IDocumentRegistry registry,
    ISettingsStore settings,
    IEmbeddingCache cache,
    EmbeddingService embeddings,
    EmbeddingUsage usage,
    IOptions<DocPipelineOptions> options,
    TimeProvider time,
    ILogger<EmbedderMigration>? logger = null,
    Storage.DataFolderWriter? writer = null,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(Chunking.TokenAwareChunker.TokenizerServiceKey)] Microsoft.ML.Tokenizers.Tokenizer? tokenizer = null) : IEmbedderMigration
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    /// <inheritdoc/>
    public async Task<EmbedderMigrationStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var record = await EmbedderMigrationRecord.ReadAsync(settings, cancellationToken).ConfigureAwait(false);
        var recorded = await settings.GetSettingAsync(RegistrySettings.Embedder, cancellationToken).ConfigureAwait(false);
        return Status(record, recorded);
    }

    /// <inheritdoc/>
    public async Task<EmbedderMigrationStatus> MigrateAsync(
        IEmbeddingGenerator<string, Embedding<float>> target, IProgress<EmbedderMigrationStatus>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var generations = Generations();
        var targetKey = await EmbeddingService.DescribeAsync(target, cancellationToken).ConfigureAwait(false);
        await ThrowIfRegistryOverInputLimitAsync(targetKey, cancellationToken).ConfigureAwait(false);
        var record = await StartOrResumeAsync(targetKey, cancellationToken).ConfigureAwait(false);
        var generator = Resilient(target);

        var index = Open(generations, record.TargetGeneration, out var owned);
        try
        {
            record = await BuildAsync(record, index, generator, progress, cancellationToken).ConfigureAwait(false);

            // From here on no other process writes the data folder: what the registry holds is what the new generation must hold.
            await EnterWriterAsync(cancellationToken).ConfigureAwait(false);
            await CatchUpAndVerifyAsync(index, targetKey, generator, record.TargetGeneration, cancellationToken).ConfigureAwait(false);

            var now = time.GetUtcNow();
            await settings.SetSettingAsync(RegistrySettings.Embedder, targetKey, cancellationToken).ConfigureAwait(false);
            record = record with { State = EmbedderMigrationState.Switched, SwitchedAt = now, UpdatedAt = now };
            await record.WriteAsync(settings, cancellationToken).ConfigureAwait(false);
            embeddings.Forget();
            await generations.PublishGenerationAsync(record.TargetGeneration, cancellationToken).ConfigureAwait(false);
            MigrationLog.Switched(_logger, record.SourceEmbedder, targetKey, record.TargetGeneration);
            return Status(record, targetKey);
        }
        finally
        {
            await CloseAsync(owned).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<EmbedderMigrationStatus> RollbackAsync(IEmbeddingGenerator<string, Embedding<float>> source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var generations = Generations();
        var recorded = await settings.GetSettingAsync(RegistrySettings.Embedder, cancellationToken).ConfigureAwait(false);
        var record = await EmbedderMigrationRecord.ReadAsync(settings, cancellationToken).ConfigureAwait(false);
        if (record is null || !string.Equals(recorded, record.TargetEmbedder, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("There is no switched embedder migration to roll back: the data folder serves the embedder it was built with.");
        }

        if (!record.OtherGenerationKept)
        {
            throw new InvalidOperationException(
                $"The vector generation of '{record.SourceEmbedder}' was cleaned up, so there is nothing to switch back to. Migrate to that embedder again instead.");
        }

        var sourceKey = await EmbeddingService.DescribeAsync(source, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(sourceKey, record.SourceEmbedder, StringComparison.Ordinal))
        {
            throw new EmbedderMismatchException(
                $"The rollback needs the embedder the migration came from, '{record.SourceEmbedder}', to catch its vectors up; the one given is '{sourceKey}'.");
        }

        var index = Open(generations, record.SourceGeneration, out var owned);
        try
        {
            await EnterWriterAsync(cancellationToken).ConfigureAwait(false);
            var cleared = await CatchUpAndVerifyAsync(index, sourceKey, Resilient(source), record.SourceGeneration ?? "(original)", cancellationToken).ConfigureAwait(false);
            if (cleared)
            {
                // The old generation held the new model's vectors (a restored backup put them there), so the new model's
                // own generation is not what the migration built: it is dropped, and moving forward again is a new migration.
                await generations.DeleteGenerationAsync(record.TargetGeneration, cancellationToken).ConfigureAwait(false);
            }

            await settings.SetSettingAsync(RegistrySettings.Embedder, sourceKey, cancellationToken).ConfigureAwait(false);
            record = record with { State = EmbedderMigrationState.RolledBack, OtherGenerationKept = !cleared, UpdatedAt = time.GetUtcNow() };
            await record.WriteAsync(settings, cancellationToken).ConfigureAwait(false);
            embeddings.Forget();
            await generations.PublishGenerationAsync(record.SourceGeneration, cancellationToken).ConfigureAwait(false);
            MigrationLog.Switched(_logger, record.TargetEmbedder, sourceKey, record.SourceGeneration ?? "(original)");
            return Status(record, sourceKey);
        }
        finally
        {
            await CloseAsync(owned).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<EmbedderMigrationStatus> CleanupAsync(CancellationToken cancellationToken = default)
    {
        var generations = Generations();
        var recorded = await settings.GetSettingAsync(RegistrySettings.Embedder, cancellationToken).ConfigureAwait(false);
        var record = await EmbedderMigrationRecord.ReadAsync(settings, cancellationToken).ConfigureAwait(false);
        if (record is null || !record.OtherGenerationKept)
        {
            return Status(record, recorded);
        }

        var switched = string.Equals(recorded, record.TargetEmbedder, StringComparison.Ordinal);
        var unused = switched ? record.SourceGeneration : record.TargetGeneration;
        if (string.Equals(generations.Generation, unused, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"This process serves the vector generation to delete ('{unused ?? "(original)"}'): run the cleanup with the embedder the data folder records, '{recorded}'.");
        }

        await generations.DeleteGenerationAsync(unused, cancellationToken).ConfigureAwait(false);
        record = record with
        {
            State = switched ? EmbedderMigrationState.Switched : EmbedderMigrationState.RolledBack,
            OtherGenerationKept = false,
            UpdatedAt = time.GetUtcNow(),
        };
        await record.WriteAsync(settings, cancellationToken).ConfigureAwait(false);
        return Status(record, recorded);
    }

    /// <summary>The status as users see it; the state follows the recorded embedder, which is what the switch writes.</summary>
    private EmbedderMigrationStatus Status(EmbedderMigrationRecord? record, string? recorded)
    {
        if (record is null)
        {
            return new EmbedderMigrationStatus { State = EmbedderMigrationState.None, ServingEmbedder = recorded, ServingGeneration = Generations(required: false)?.Generation };
        }

        var state = string.Equals(recorded, record.TargetEmbedder, StringComparison.Ordinal) ? EmbedderMigrationState.Switched
            : record.State == EmbedderMigrationState.Building ? EmbedderMigrationState.Building
            : EmbedderMigrationState.RolledBack;
        TimeSpan? remaining = null;
        var done = record.ChunksDone - record.ChunksAtRateSince;
        var elapsed = record.UpdatedAt - record.RateSince;
        if (state == EmbedderMigrationState.Building && done > 0 && elapsed > TimeSpan.Zero)
        {
            var left = Math.Max(0, record.ChunksTotal - record.ChunksDone);
            remaining = TimeSpan.FromSeconds(elapsed.TotalSeconds / done * left);
        }

        record.TryGetGeneration(recorded, out var serving);
        return new EmbedderMigrationStatus
        {
            State = state,
            ServingEmbedder = recorded,
            ServingGeneration = serving,
            SourceEmbedder = record.SourceEmbedder,
            TargetEmbedder = record.TargetEmbedder,
            TargetGeneration = record.TargetGeneration,
            OtherGenerationKept = record.OtherGenerationKept,
            DocumentsDone = record.DocumentsDone,
            ChunksDone = record.ChunksDone,
            ChunksEmbedded = record.ChunksEmbedded,
            ChunksTotal = record.ChunksTotal,
            EstimatedRemaining = remaining,
            StartedAt = record.StartedAt,
            UpdatedAt = record.UpdatedAt,
            SwitchedAt = record.SwitchedAt,
        };
    }

    private async Task<EmbedderMigrationRecord> StartOrResumeAsync(string targetKey, CancellationToken cancellationToken)
    {
        var recorded = await settings.GetSettingAsync(RegistrySettings.Embedder, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The data folder records no embedder yet, so there is nothing to migrate: ingest with the new embedder directly.");
        var record = await EmbedderMigrationRecord.ReadAsync(settings, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var total = (await registry.GetStatisticsAsync(cancellationToken).ConfigureAwait(false)).Chunks;
        if (record is not null && record.OtherGenerationKept && string.Equals(record.TargetEmbedder, targetKey, StringComparison.Ordinal))
        {
            // The same migration: resume its build (or, switched back, catch up and switch again).
            MigrationLog.Resumed(_logger, targetKey, record.Cursor);
            record = record with { State = EmbedderMigrationState.Building, ChunksTotal = total, RateSince = now, ChunksAtRateSince = record.ChunksDone, UpdatedAt = now };
            await record.WriteAsync(settings, cancellationToken).ConfigureAwait(false);
            return record;
        }

        if (string.Equals(recorded, targetKey, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The data folder already uses the embedder '{targetKey}'.");
        }

        if (record is not null && record.OtherGenerationKept)
        {
            throw new InvalidOperationException(
                $"The migration from '{record.SourceEmbedder}' to '{record.TargetEmbedder}' still keeps a second vector generation. " +
                "Finish it (migrate to that embedder again), or delete the generation that does not serve with the migration cleanup, then start a new one.");
        }

        string? sourceGeneration = null;
        if (record is not null && record.TryGetGeneration(recorded, out var serving))
        {
            sourceGeneration = serving;
        }

        var targetGeneration = "g" + now.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var fresh = new EmbedderMigrationRecord
        {
            State = EmbedderMigrationState.Building,
            SourceEmbedder = recorded,
            SourceGeneration = sourceGeneration,
            TargetEmbedder = targetKey,
            TargetGeneration = targetGeneration,
            ChunksTotal = total,
            StartedAt = now,
            UpdatedAt = now,
            RateSince = now,
        };

        // A leftover folder of that name (a migration abandoned before it recorded itself) holds nothing of use.
        await Generations().DeleteGenerationAsync(targetGeneration, cancellationToken).ConfigureAwait(false);
        await fresh.WriteAsync(settings, cancellationToken).ConfigureAwait(false);
        MigrationLog.Started(_logger, recorded, targetKey, targetGeneration);
        return fresh;
    }

    /// <summary>
    /// Embeds every committed document after the cursor into the new generation, saving the cursor after each batch.
    /// The next batch is read and embedded while the previous one is written (vector upsert, cursor), so the model
    /// does not wait for the disk; batches are written, and the cursor saved, in order.
    /// </summary>
    private async Task<EmbedderMigrationRecord> BuildAsync(
        EmbedderMigrationRecord record, IVectorIndex index, IEmbeddingGenerator<string, Embedding<float>> generator, IProgress<EmbedderMigrationStatus>? progress, CancellationToken cancellationToken)
    {
        var batchSize = options.Value.Embedding.BatchSize;
        var pending = new List<Registry.ChunkRecord>();
        var pendingDocuments = 0;
        var recorded = record.SourceEmbedder;
        var cursor = record.Cursor;
        Task<EmbedderMigrationRecord>? writing = null;
        try
        {
            while (true)
            {
                var page = await registry.ListAsync(new DocumentQuery { After = cursor, Limit = 64 }, cancellationToken).ConfigureAwait(false);
                if (page.Count == 0)
                {
                    break;
                }

                foreach (var document in page)
                {
                    if (document.Version > 0)
                    {
                        pending.AddRange(await registry.GetChunksAsync(document.Id, document.Version, cancellationToken).ConfigureAwait(false));
                    }

                    pendingDocuments++;
                    cursor = document.Id;
                    if (pending.Count >= batchSize || document == page[^1])
                    {
                        var batch = new BuildBatch(pending.ToList(), pendingDocuments, document.Id);
                        var (vectors, embedded) = await VectorsAsync(record.TargetEmbedder, generator, batch.Chunks, cancellationToken).ConfigureAwait(false);
                        if (writing is not null)
                        {
                            record = await writing.ConfigureAwait(false);
                        }

                        writing = WriteBatchAsync(record, index, batch, vectors, embedded, recorded, progress, cancellationToken);
                        pending.Clear();
                        pendingDocuments = 0;
                    }
                }
            }

            return writing is null ? record : await writing.ConfigureAwait(false);
        }
        finally
        {
            // A failure while the previous batch is written: that write finishes (its cursor stays valid) before this returns.
            if (writing is { IsCompleted: false })
            {
                await Task.WhenAny(writing).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes one built batch into the new generation, then saves the cursor after it and reports progress.</summary>
    private async Task<EmbedderMigrationRecord> WriteBatchAsync(
        EmbedderMigrationRecord record,
        IVectorIndex index,
        BuildBatch batch,
        IReadOnlyDictionary<string, ReadOnlyMemory<float>> vectors,
        int embedded,
        string recorded,
        IProgress<EmbedderMigrationStatus>? progress,
        CancellationToken cancellationToken)
    {
        await UpsertAsync(index, batch.Chunks, vectors, cancellationToken).ConfigureAwait(false);
        record = record with
        {
            Cursor = batch.LastDocument,
            DocumentsDone = record.DocumentsDone + batch.Documents,
            ChunksDone = record.ChunksDone + batch.Chunks.Count,
            ChunksEmbedded = record.ChunksEmbedded + embedded,
            UpdatedAt = time.GetUtcNow(),
        };
        await record.WriteAsync(settings, cancellationToken).ConfigureAwait(false);
        progress?.Report(Status(record, recorded));
        return record;
    }

    /// <summary>Writes chunks into <paramref name="index"/> with vectors from the cache or the embedder; returns how many were embedded.</summary>
    private async Task<int> WriteAsync(
        IVectorIndex index, string model, IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyList<Registry.ChunkRecord> chunks, CancellationToken cancellationToken)
    {
        var (vectors, embedded) = await VectorsAsync(model, generator, chunks, cancellationToken).ConfigureAwait(false);
        await UpsertAsync(index, chunks, vectors, cancellationToken).ConfigureAwait(false);
        return embedded;
    }

    /// <summary>
    /// The vectors of <paramref name="chunks"/> by text hash: from the cache, the rest embedded in calls of
    /// <see cref="EmbeddingOptions.BatchSize"/> texts, up to <see cref="EmbeddingOptions.MaxConcurrentCalls"/> at once
    /// (as ingestion's calls), and put into the cache.
    /// </summary>
    private async Task<(IReadOnlyDictionary<string, ReadOnlyMemory<float>> Vectors, int Embedded)> VectorsAsync(
        string model, IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyList<Registry.ChunkRecord> chunks, CancellationToken cancellationToken)
    {
        if (chunks.Count == 0)
        {
            return (new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal), 0);
        }

        ThrowIfOverInputLimit(chunks, model);
        var hashes = chunks.Select(c => c.TextHash).Distinct(StringComparer.Ordinal).ToList();
        var cached = await cache.GetEmbeddingsAsync(model, hashes, cancellationToken).ConfigureAwait(false);
        var vectors = new System.Collections.Concurrent.ConcurrentDictionary<string, ReadOnlyMemory<float>>(cached, StringComparer.Ordinal);
        var toEmbed = chunks.Where(c => !vectors.ContainsKey(c.TextHash)).DistinctBy(c => c.TextHash, StringComparer.Ordinal).ToList();
        var embedding = options.Value.Embedding;
        await Parallel.ForEachAsync(
            toEmbed.Chunk(embedding.BatchSize),
            new ParallelOptions { MaxDegreeOfParallelism = embedding.MaxConcurrentCalls, CancellationToken = cancellationToken },
            async (batch, token) =>
            {
                var fresh = await EmbeddingService.EmbedAsync(generator, batch.Select(c => c.Text).ToList(), token).ConfigureAwait(false);
                var added = new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal);
                for (var i = 0; i < batch.Length; i++)
                {
                    added[batch[i].TextHash] = fresh[i];
                    vectors[batch[i].TextHash] = fresh[i];
                }

                await cache.PutEmbeddingsAsync(model, added, token).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return (vectors, toEmbed.Count);
    }

    private static Task UpsertAsync(
        IVectorIndex index, IReadOnlyList<Registry.ChunkRecord> chunks, IReadOnlyDictionary<string, ReadOnlyMemory<float>> vectors, CancellationToken cancellationToken) =>
        chunks.Count == 0
            ? Task.CompletedTask
            : index.UpsertAsync(
                chunks.Select(c => new VectorRecord { ChunkId = c.ChunkId, DocumentId = c.DocumentId, Version = c.Revision, Vector = vectors[c.TextHash], Metadata = c.Metadata }).ToList(),
                cancellationToken);

    /// <summary>The chunks of the documents up to <paramref name="LastDocument"/> (the cursor once they are written).</summary>
    private sealed record BuildBatch(IReadOnlyList<Registry.ChunkRecord> Chunks, int Documents, string LastDocument);

    private IVectorIndexGenerations Generations() => Generations(required: true)!;

    private IVectorIndexGenerations? Generations(bool required) =>
        vectorIndex as IVectorIndexGenerations ?? (required
            ? throw new InvalidOperationException(
                $"The vector index ({vectorIndex.GetType().Name}) does not keep generations side by side (IVectorIndexGenerations), so its embedder cannot be changed in place. " +
                "Build a new data folder with the new embedder instead.")
            : null);

    /// <summary>The index of <paramref name="generation"/>: this process's own when it serves that one, else a new instance to close.</summary>
    private IVectorIndex Open(IVectorIndexGenerations generations, string? generation, out IVectorIndex? owned)
    {
        if (string.Equals(generations.Generation, generation, StringComparison.Ordinal))
        {
            owned = null;
            return vectorIndex;
        }

        owned = generations.OpenGeneration(generation);
        return owned;
    }

    private static async Task CloseAsync(IVectorIndex? owned)
    {
        switch (owned)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    private Task EnterWriterAsync(CancellationToken cancellationToken) =>
        writer is null || options.Value.ReadOnly ? Task.CompletedTask : writer.EnterAsync(cancellationToken);

    private ResilientEmbeddingGenerator Resilient(IEmbeddingGenerator<string, Embedding<float>> generator) =>
        new(generator, options.Value.Embedding, usage, time, _logger);
}
