using DocPipeline.Consistency;
using DocPipeline.Embeddings;
using DocPipeline.Indexing;
using DocPipeline.Migration;
using DocPipeline.Registry;
using DocPipeline.Search;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Consistency;
using DocPipeline.Tests.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DocPipeline.Tests.Migration;

/// <summary>
/// The embedder migration on the embedded vector index, from the hashing embedder at its default dimensions to the
/// hashing embedder at 96 dimensions (another model key, other vectors).
/// </summary>
public sealed class EmbedderMigrationTests : IAsyncDisposable
{
    private const int TargetDimensions = 96;
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task MigrateAsync_Completes_SwitchesEmbedderAndSearchesTheNewGeneration()
    {
        await using (var source = await ConsistencyCorpus.IngestedAsync(_directory))
        {
            var target = new CountingEmbeddingGenerator(TargetDimensions);
            var status = await source.Get<IEmbedderMigration>().MigrateAsync(target, progress: null);

            Assert.Equal(EmbedderMigrationState.Switched, status.State);
            Assert.Equal(status.ChunksTotal, status.ChunksDone);
            Assert.Equal(status.ChunksTotal, target.Texts);
            Assert.Equal($"{HashingEmbeddingGenerator.ModelId}:{TargetDimensions}", await source.Get<ISettingsStore>().GetSettingAsync(RegistrySettings.Embedder));

            // This process's ingestion checks the embedder again: its own is not the folder's any more.
            await Assert.ThrowsAsync<EmbedderMismatchException>(() => source.IngestAsync(ConsistencyCorpus.Copy(_directory, "more")));
        }

        await using var migrated = new TestPipeline(_directory, embedder: new CountingEmbeddingGenerator(TargetDimensions));
        Assert.Equal(TargetDimensions, await VectorDimensionsAsync(migrated));
        Assert.NotNull(((IVectorIndexGenerations)migrated.Get<IVectorIndex>()).Generation);
        Assert.True((await migrated.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
        Assert.NotEmpty(await migrated.Pipeline.SearchAsync("honeybee queen", new SearchOptions { Mode = SearchMode.Vector }));
    }

    [Fact]
    public async Task MigrateAsync_DocumentsChangedDuringTheBuild_EndUpInTheNewGeneration()
    {
        await using (var source = await ConsistencyCorpus.IngestedAsync(_directory))
        {
            var registry = source.Get<IDocumentRegistry>();
            var removed = ConsistencyCorpus.DocumentId(_directory, "composting.txt");
            var edited = ConsistencyCorpus.DocumentId(_directory, "glaciers.pdf");
            var changed = false;

            // On the migration's first embedder call the old embedder's pipeline ingests: one source edited (glaciers.pdf
            // replaced by another document's bytes), one removed, one added, all after the build may have passed them.
            var target = new HookedGenerator(new CountingEmbeddingGenerator(TargetDimensions), async () =>
            {
                if (changed)
                {
                    return;
                }

                changed = true;
                var docs = _directory.File("docs");
                File.Delete(Path.Combine(docs, "composting.txt"));
                File.Copy(Path.Combine(docs, "lighthouse-keeping.txt"), Path.Combine(docs, "zz-added.txt"));
                await File.AppendAllTextAsync(Path.Combine(docs, "lighthouse-keeping.txt"), "\n\nA paragraph added while the embedder migration ran.\n");
                var result = await source.IngestAsync(new DocPipeline.Ingestion.IngestOptions { Cleanup = DocPipeline.Ingestion.CleanupMode.Scoped }, docs);
                Assert.Equal(0, result.Failed);
            });

            var status = await source.Get<IEmbedderMigration>().MigrateAsync(target, progress: null);

            Assert.True(changed);
            Assert.Equal(EmbedderMigrationState.Switched, status.State);
            Assert.Null(await registry.GetAsync(removed));
            Assert.NotNull(await registry.GetAsync(edited));
        }

        await using var migrated = new TestPipeline(_directory, embedder: new CountingEmbeddingGenerator(TargetDimensions));
        var report = await migrated.Get<IIndexMaintenance>().VerifyAsync();
        Assert.True(report.IsConsistent, string.Join("; ", report.Indexes.Select(i => $"{i.Key}: {i.Value}")));
    }

    [Fact]
    public async Task MigrateAsync_CatchUp_WorksInBoundedBatchesAndSpillsItsSortToDisk()
    {
        await using (var source = await ConsistencyCorpus.IngestedAsync(_directory))
        {
            var migration = (EmbedderMigration)source.Get<IEmbedderMigration>();
            migration.CatchUpRunLength = 2;
            migration.CatchUpBatchSize = 2;
            using var cancel = new CancellationTokenSource();

            // The build runs to its end and stops there; then every document is edited and one removed, so the catch-up
            // finds many more differences than one batch holds.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => migration.MigrateAsync(new CountingEmbeddingGenerator(TargetDimensions), new Reporter(s =>
            {
                if (s.ChunksDone == s.ChunksTotal)
                {
                    cancel.Cancel();
                }
            }), cancel.Token));
            File.Delete(Path.Combine(_directory.File("docs"), "composting.txt"));
            foreach (var file in Directory.GetFiles(_directory.File("docs"), "*.txt"))
            {
                await File.AppendAllTextAsync(file, "\n\nA paragraph added while the embedder migration ran.\n");
            }

            Assert.Equal(0, (await source.IngestAsync(new DocPipeline.Ingestion.IngestOptions { Cleanup = DocPipeline.Ingestion.CleanupMode.Scoped }, _directory.File("docs"))).Failed);
            var status = await migration.MigrateAsync(new CountingEmbeddingGenerator(TargetDimensions), progress: null);

            Assert.Equal(EmbedderMigrationState.Switched, status.State);
            var passes = migration.CatchUpPasses;
            Assert.True(passes[0].Differences > 2 * migration.CatchUpBatchSize, $"differences: {passes[0].Differences}");
            Assert.All(passes, p => Assert.InRange(p.LargestBatch, 0, migration.CatchUpBatchSize));
            Assert.Equal(0, passes[^1].Differences);
            Assert.True(passes[^1].SpilledRuns > 1, $"runs: {passes[^1].SpilledRuns}");
        }

        await using var migrated = new TestPipeline(_directory, embedder: new CountingEmbeddingGenerator(TargetDimensions));
        var report = await migrated.Get<IIndexMaintenance>().VerifyAsync();
        Assert.True(report.IsConsistent, string.Join("; ", report.Indexes.Select(i => $"{i.Key}: {i.Value}")));
    }

    [Fact]
    public async Task MigrateAsync_CancelledAfterTheFirstBatch_ResumesFromItsCursor()
    {
        await using var source = await ConsistencyCorpus.IngestedAsync(_directory, o => o.Embedding.BatchSize = 4);
        var migration = source.Get<IEmbedderMigration>();
        using var cancel = new CancellationTokenSource();
        var first = new CountingEmbeddingGenerator(TargetDimensions);
        EmbedderMigrationStatus? seen = null;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => migration.MigrateAsync(first, new Reporter(s =>
        {
            seen ??= s;
            cancel.Cancel();
        }), cancel.Token));

        var stopped = await migration.GetStatusAsync();
        Assert.Equal(EmbedderMigrationState.Building, stopped.State);
        Assert.Equal(seen!.ChunksDone, stopped.ChunksDone);
        Assert.InRange(stopped.ChunksDone, 1, stopped.ChunksTotal - 1);
        Assert.Equal(HashingEmbeddingGenerator.ModelId + ":" + HashingEmbeddingGenerator.DefaultDimensions, stopped.ServingEmbedder);

        var second = new CountingEmbeddingGenerator(TargetDimensions);
        var done = await migration.MigrateAsync(second, progress: null);

        Assert.Equal(EmbedderMigrationState.Switched, done.State);
        Assert.Equal(done.ChunksTotal, done.ChunksDone);
        Assert.Equal(stopped.TargetGeneration, done.TargetGeneration);

        // The resumed run embedded only what the first had not: the chunks before the cursor were not read again (a batch
        // the first run embedded and cached while it wrote the one before comes from the cache, so it may embed fewer).
        Assert.InRange(second.Texts, 1, done.ChunksTotal - stopped.ChunksDone);
        Assert.True(first.Texts >= stopped.ChunksDone);
    }

    [Fact]
    public async Task MigrateAsync_MaxConcurrentCalls_EmbedsInThatManyCallsAtOnceAsIngestionDoes()
    {
        await using var source = await ConsistencyCorpus.IngestedAsync(_directory, o => { o.Embedding.BatchSize = 4; o.Embedding.MaxConcurrentCalls = 2; });
        using var target = new OverlapGenerator(new CountingEmbeddingGenerator(TargetDimensions));

        var status = await source.Get<IEmbedderMigration>().MigrateAsync(target, progress: null);

        Assert.Equal(EmbedderMigrationState.Switched, status.State);
        Assert.Equal(2, target.MostAtOnce);
    }

    [Fact]
    public async Task RollbackAndCleanup_AfterASwitch_OldAnswersBackThenOnlyOneGenerationLeft()
    {
        List<string> before;
        await using (var source = await ConsistencyCorpus.IngestedAsync(_directory))
        {
            before = await ConsistencyCorpus.SearchAllAsync(source.Pipeline);
            await source.Get<IEmbedderMigration>().MigrateAsync(new CountingEmbeddingGenerator(TargetDimensions), progress: null);
        }

        await using (var migrated = new TestPipeline(_directory, embedder: new CountingEmbeddingGenerator(TargetDimensions)))
        {
            Assert.NotEqual(before, await ConsistencyCorpus.SearchAllAsync(migrated.Pipeline));
        }

        // A process still configured with the old embedder searches the old generation, the switch notwithstanding.
        await using (var old = new TestPipeline(_directory))
        {
            Assert.Equal(before, await ConsistencyCorpus.SearchAllAsync(old.Pipeline));
            var rolledBack = await old.Get<IEmbedderMigration>().RollbackAsync(new CountingEmbeddingGenerator());
            Assert.Equal(EmbedderMigrationState.RolledBack, rolledBack.State);
            Assert.True(rolledBack.OtherGenerationKept);
        }

        await using var back = new TestPipeline(_directory);
        Assert.Null(((IVectorIndexGenerations)back.Get<IVectorIndex>()).Generation);
        Assert.Equal(before, await ConsistencyCorpus.SearchAllAsync(back.Pipeline));
        Assert.True((await back.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);

        var generationFolders = Directory.GetDirectories(_directory.File("data"), "vectors" + "*");
        Assert.Equal(2, generationFolders.Length);
        var cleaned = await back.Get<IEmbedderMigration>().CleanupAsync();

        Assert.False(cleaned.OtherGenerationKept);
        Assert.Equal([Path.Combine(_directory.File("data"), "vectors")], Directory.GetDirectories(_directory.File("data"), "vectors" + "*"));
        Assert.Equal(before, await ConsistencyCorpus.SearchAllAsync(back.Pipeline));
        await Assert.ThrowsAsync<InvalidOperationException>(() => back.Get<IEmbedderMigration>().RollbackAsync(new CountingEmbeddingGenerator()));
    }

    [Fact]
    public async Task OpeningTheVectorIndex_MigrationRecordUnreadable_FailsInsteadOfServingTheOriginalGeneration()
    {
        await using (var source = await ConsistencyCorpus.IngestedAsync(_directory))
        {
            await source.Get<IEmbedderMigration>().MigrateAsync(new CountingEmbeddingGenerator(TargetDimensions), progress: null);
        }

        // The registry fails to read the migration record (a storage error), as a locked or damaged store would.
        await using var reopened = new TestPipeline(
            _directory,
            builder => builder.Services.Replace(ServiceDescriptor.Singleton<ISettingsStore>(sp => new FailingMigrationSettings(sp.GetRequiredService<IDocumentRegistry>() as ISettingsStore ?? throw new InvalidOperationException()))),
            embedder: new CountingEmbeddingGenerator(TargetDimensions));
        var error = await Assert.ThrowsAnyAsync<Exception>(() => reopened.Pipeline.SearchAsync("honeybee queen", new SearchOptions { Mode = SearchMode.Vector }));

        Assert.Contains("vector generation", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestAsync_InAContainerStartedBeforeTheSwitch_FailsRetryablySayingRestart()
    {
        await using var running = await ConsistencyCorpus.IngestedAsync(_directory);

        // A second container on the same folder migrates and switches while the first stays up.
        await using (var migrating = new TestPipeline(_directory))
        {
            Assert.Equal(EmbedderMigrationState.Switched, (await migrating.Get<IEmbedderMigration>().MigrateAsync(new CountingEmbeddingGenerator(TargetDimensions), progress: null)).State);
        }

        var docs = _directory.File("docs");
        await File.AppendAllTextAsync(Path.Combine(docs, "lighthouse-keeping.txt"), "\n\nA paragraph added after the switch.\n");
        File.Delete(Path.Combine(docs, "composting.txt"));
        var result = await running.IngestAsync(new DocPipeline.Ingestion.IngestOptions { Cleanup = DocPipeline.Ingestion.CleanupMode.Scoped }, docs);

        Assert.Equal(2, result.Failed);
        Assert.All(result.Failures, f => Assert.Contains("Restart it with the embedder", f.Error, StringComparison.Ordinal));
        await running.DisposeAsync();

        // Nothing reached either generation: a container with the new embedder finds both indexes in step and ingests the change.
        await using var restarted = new TestPipeline(_directory, embedder: new CountingEmbeddingGenerator(TargetDimensions));
        var report = await restarted.Get<IIndexMaintenance>().VerifyAsync();
        Assert.True(report.IsConsistent, string.Join("; ", report.Indexes.Select(i => $"{i.Key}: {i.Value}")));
        var retried = await restarted.IngestAsync(new DocPipeline.Ingestion.IngestOptions { Cleanup = DocPipeline.Ingestion.CleanupMode.Scoped }, docs);
        Assert.Equal(0, retried.Failed);
        Assert.True((await restarted.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
    }

    [Fact]
    public async Task MigrateAsync_ChunksLongerThanTheConfiguredLimit_RefusedWithTheCountsBeforeStartingThenRuns()
    {
        List<string> before;
        await using (var source = await ConsistencyCorpus.IngestedAsync(_directory))
        {
            before = await ConsistencyCorpus.SearchAllAsync(source.Pipeline);
        }

        // The target model's limit, as configured for it, is below the chunks the folder was built with.
        await using (var small = new TestPipeline(_directory, options: o => { o.Chunking.MaxTokens = 64; o.Chunking.TargetTokens = 48; o.Chunking.OverlapTokens = 8; }))
        {
            var target = new CountingEmbeddingGenerator(TargetDimensions);
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => small.Get<IEmbedderMigration>().MigrateAsync(target, progress: null));

            Assert.Contains("DocPipeline:Chunking:MaxTokens (64)", error.Message, StringComparison.Ordinal);
            Assert.Contains("does not re-chunk", error.Message, StringComparison.Ordinal);

            // Said at once, for the whole folder: how many documents and chunks are over the limit; nothing was embedded.
            var counts = System.Text.RegularExpressions.Regex.Match(error.Message, @"(\d+) of (\d+) documents \((\d+) chunks\)");
            Assert.True(counts.Success, error.Message);
            var documents = (await small.Get<IDocumentRegistry>().GetStatisticsAsync()).Documents;
            Assert.Equal(documents.ToString(System.Globalization.CultureInfo.InvariantCulture), counts.Groups[2].Value);
            Assert.InRange(int.Parse(counts.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 2, documents);
            Assert.True(int.Parse(counts.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) >= int.Parse(counts.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(0, target.Texts);
            var status = await small.Get<IEmbedderMigration>().GetStatusAsync();
            Assert.Equal(EmbedderMigrationState.None, status.State);
            Assert.Equal(HashingEmbeddingGenerator.ModelId + ":" + HashingEmbeddingGenerator.DefaultDimensions, status.ServingEmbedder);
            Assert.Equal(before, await ConsistencyCorpus.SearchAllAsync(small.Pipeline));
        }

        // With a limit the chunks fit, the migration runs and switches.
        await using var fits = new TestPipeline(_directory);
        Assert.Equal(EmbedderMigrationState.Switched, (await fits.Get<IEmbedderMigration>().MigrateAsync(new CountingEmbeddingGenerator(TargetDimensions), progress: null)).State);
    }

    [Fact]
    public async Task BackupAsync_WhileAMigrationKeepsTwoGenerations_SaysTheOtherIsNotIncluded()
    {
        await using (var source = await ConsistencyCorpus.IngestedAsync(_directory))
        {
            await source.Get<IEmbedderMigration>().MigrateAsync(new CountingEmbeddingGenerator(TargetDimensions), progress: null);
        }

        await using var migrated = new TestPipeline(_directory, embedder: new CountingEmbeddingGenerator(TargetDimensions));
        var kept = await migrated.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = _directory.File("backup-kept") });

        var note = Assert.Single(kept.Skipped, s => s.Contains("vector generation", StringComparison.Ordinal));
        Assert.Contains("holds the serving vector generation only", note, StringComparison.Ordinal);
        Assert.Contains(HashingEmbeddingGenerator.ModelId + ":" + HashingEmbeddingGenerator.DefaultDimensions, note, StringComparison.Ordinal);

        await migrated.Get<IEmbedderMigration>().CleanupAsync();
        var single = await migrated.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = _directory.File("backup-single") });
        Assert.DoesNotContain(single.Skipped, s => s.Contains("vector generation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RollbackAsync_AfterRestoringASwitchedBackupIntoAnEmptyFolder_ReembedsWithTheOldModel()
    {
        List<string> before;
        BackupResult backup;
        await using (var source = await ConsistencyCorpus.IngestedAsync(_directory))
        {
            before = await ConsistencyCorpus.SearchAllAsync(source.Pipeline);
            await source.Get<IEmbedderMigration>().MigrateAsync(new CountingEmbeddingGenerator(TargetDimensions), progress: null);
        }

        await using (var migrated = new TestPipeline(_directory, embedder: new CountingEmbeddingGenerator(TargetDimensions)))
        {
            backup = await migrated.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = _directory.File("backups/switched.tar.gz") });
        }

        // The backup's vector index is the new model's; restored into an empty folder, it is the only one there.
        var elsewhere = _directory.File("elsewhere");
        await using (var restoring = new TestPipeline(_directory, options: o => o.DataDirectory = elsewhere, embedder: new CountingEmbeddingGenerator(TargetDimensions)))
        {
            await restoring.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = backup.Path });
        }

        // Its entries match the registry's ids and versions, but hold the new model's vectors: the rollback must see that.
        await using (var old = new TestPipeline(_directory, options: o => o.DataDirectory = elsewhere))
        {
            var rolledBack = await old.Get<IEmbedderMigration>().RollbackAsync(new CountingEmbeddingGenerator());
            Assert.Equal(EmbedderMigrationState.RolledBack, rolledBack.State);

            // The new model's generation did not survive the restore as built: it is not offered for a switch back.
            Assert.False(rolledBack.OtherGenerationKept);
        }

        await using var back = new TestPipeline(_directory, options: o => o.DataDirectory = elsewhere);
        Assert.Equal(HashingEmbeddingGenerator.DefaultDimensions, await VectorDimensionsAsync(back));
        Assert.Equal(before, await ConsistencyCorpus.SearchAllAsync(back.Pipeline));
        Assert.True((await back.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
    }

    [Fact]
    public async Task MigrateAsync_ToTheServingEmbedder_Refused()
    {
        await using var source = await ConsistencyCorpus.IngestedAsync(_directory);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => source.Get<IEmbedderMigration>().MigrateAsync(new CountingEmbeddingGenerator(), progress: null));

        Assert.Contains("already uses", error.Message, StringComparison.Ordinal);
        Assert.Equal(EmbedderMigrationState.None, (await source.Get<IEmbedderMigration>().GetStatusAsync()).State);
    }

    public async ValueTask DisposeAsync()
    {
        await Task.Yield();
        _directory.Dispose();
    }

    private static async Task<int> VectorDimensionsAsync(TestPipeline pipeline)
    {
        var hits = await pipeline.Pipeline.SearchAsync("lighthouse", new SearchOptions { Mode = SearchMode.Vector, TopK = 1 });
        Assert.NotEmpty(hits);
        return await ((DocPipeline.Indexing.Vector.EmbeddedVectorIndex)pipeline.Get<IVectorIndex>()).GetDimensionsAsync(CancellationToken.None) ?? 0;
    }

    /// <summary>
    /// Records the most calls in flight at once. Its first call waits (up to a minute) for a second one to arrive, so
    /// that two calls the migration makes at once are seen together however the machine schedules them.
    /// </summary>
    private sealed class OverlapGenerator(CountingEmbeddingGenerator inner)
        : Microsoft.Extensions.AI.DelegatingEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>(inner)
    {
        private readonly TaskCompletionSource _second = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;
        private int _mostAtOnce;

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public override async Task<Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var now = Interlocked.Increment(ref _inFlight);
            try
            {
                InterlockedMax(now);
                if (now >= 2)
                {
                    _second.TrySetResult();
                }
                else if (!_second.Task.IsCompleted)
                {
                    await Task.WhenAny(_second.Task, Task.Delay(TimeSpan.FromSeconds(60), cancellationToken));
                    _second.TrySetResult();
                }

                return await base.GenerateAsync(values, options, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        private void InterlockedMax(int value)
        {
            int seen;
            while (value > (seen = Volatile.Read(ref _mostAtOnce)) && Interlocked.CompareExchange(ref _mostAtOnce, value, seen) != seen)
            {
            }
        }
    }

    private sealed class Reporter(Action<EmbedderMigrationStatus> report) : IProgress<EmbedderMigrationStatus>
    {
        public void Report(EmbedderMigrationStatus value) => report(value);
    }

    /// <summary>Settings whose embedder migration record cannot be read, as with a storage failure.</summary>
    private sealed class FailingMigrationSettings(ISettingsStore inner) : ISettingsStore
    {
        public Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default) =>
            key == RegistrySettings.EmbedderMigration ? throw new DocPipelineStorageException("The registry cannot be read.") : inner.GetSettingAsync(key, cancellationToken);

        public Task SetSettingAsync(string key, string value, CancellationToken cancellationToken = default) => inner.SetSettingAsync(key, value, cancellationToken);
    }

    /// <summary>Runs a hook before each call of the generator it wraps.</summary>
    private sealed class HookedGenerator(Microsoft.Extensions.AI.IEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>> inner, Func<Task> hook)
        : Microsoft.Extensions.AI.DelegatingEmbeddingGenerator<string, Microsoft.Extensions.AI.Embedding<float>>(inner)
    {
        public override async Task<Microsoft.Extensions.AI.GeneratedEmbeddings<Microsoft.Extensions.AI.Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            await hook();
            return await base.GenerateAsync(values, options, cancellationToken);
        }
    }
}
