using System.Formats.Tar;
using DocPipeline.Consistency;
using DocPipeline.Indexing;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace DocPipeline.Tests.Consistency;

/// <summary>Backups and restores of a real data folder (SQLite stores, Lucene, the on-disk vector index).</summary>
public sealed class BackupRestoreTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string> Formats => new() { "archive", "folder" };

    public static TheoryData<string> Tampering => new() { "changed byte", "extra file", "parent path", "absolute path", "symlink", "hard link", "missing file", "manifest not first" };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task RestoreAsync_BackupOfTheSameFolder_BringsBackTheBackedUpState(string format)
    {
        var docs = ConsistencyCorpus.Copy(_directory);
        List<string> searches;
        BackupResult backup;
        RegistryStatistics statistics;
        await using (var pipeline = new TestPipeline(_directory))
        {
            await pipeline.IngestAsync(docs);
            searches = await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline, SearchComparison.Scores);
            statistics = await pipeline.Get<IDocumentRegistry>().GetStatisticsAsync();
            backup = await pipeline.Get<IIndexMaintenance>().BackupAsync(Options(format));

            // Change the data after the backup: one document edited, one added.
            File.AppendAllText(Path.Combine(docs, "composting.txt"), "\n\nWorms, lots of worms, and a lid against the rain.\n");
            File.WriteAllText(Path.Combine(docs, "lamps.txt"), "Lighthouse lamps, lighthouse lamps everywhere: a lamp catalogue.");
            await pipeline.IngestAsync(docs);
            Assert.NotEqual(searches, await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline, SearchComparison.Scores));
        }

        await using var restored = new TestPipeline(_directory);
        var result = await restored.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = backup.Path });

        Assert.Equal(backup.Path, result.Source);
        Assert.Equal(["jobs", "fingerprints", "registry", "vector", "keyword"], result.Stores);
        Assert.Equal(statistics.Chunks, result.Chunks);
        Assert.True((await restored.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
        Assert.Equal(statistics with { SizeBytes = 0 }, await restored.Get<IDocumentRegistry>().GetStatisticsAsync() with { SizeBytes = 0 });
        Assert.Equal(searches, await ConsistencyCorpus.SearchAllAsync(restored.Pipeline, SearchComparison.Scores));
        Assert.Empty(Directory.GetFileSystemEntries(_directory.File("data"), "*.restore-*"));
        Assert.Empty(Directory.GetFileSystemEntries(_directory.File("data"), "*.pre-restore-*"));
    }

    [Fact]
    public async Task RestoreAsync_IntoAnEmptyDataFolder_GivesAWorkingPipeline()
    {
        var docs = ConsistencyCorpus.Copy(_directory);
        List<string> searches;
        BackupResult backup;
        await using (var pipeline = new TestPipeline(_directory))
        {
            await pipeline.IngestAsync(docs);
            searches = await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline, SearchComparison.Scores);
            backup = await pipeline.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = _directory.File("backups/corpus.tar.gz") });
        }

        await using var other = new TestPipeline(_directory, options: o => o.DataDirectory = _directory.File("elsewhere"));
        await other.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = backup.Path });

        Assert.True((await other.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
        Assert.Equal(searches, await ConsistencyCorpus.SearchAllAsync(other.Pipeline, SearchComparison.Scores));
        other.Embedder.Reset();
        var again = await other.IngestAsync(docs);
        Assert.Equal(again.Total, again.Skipped);
        Assert.Equal(0, other.Embedder.Texts);
    }

    [Fact]
    public async Task BackupAsync_DuringAnActiveIngest_RestoreIsConsistentAndSearchesMatchTheBackedUpState()
    {
        var docs = ConsistencyCorpus.Copy(_directory);
        var late = _directory.File("late");
        foreach (var name in (string[])["kites", "anchors", "lanterns", "ropes"])
        {
            _directory.Write($"late/{name}.held", $"A short note about {name}: how {name} are made, kept and mended by the lighthouse keeper.");
        }

        var extractor = new HeldExtractor();
        List<string> searches;
        BackupResult backup;
        RegistryStatistics statistics;
        await using (var pipeline = new TestPipeline(_directory, b => b.AddExtractor(extractor)))
        {
            await pipeline.IngestAsync(docs);
            var ingest = pipeline.IngestAsync(late);
            await extractor.Waiting.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True((await pipeline.Pipeline.GetQueueStatusAsync()).Processing > 0);
            searches = await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline, SearchComparison.Scores);
            statistics = await pipeline.Get<IDocumentRegistry>().GetStatisticsAsync();

            backup = await pipeline.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = _directory.File("backups") });

            extractor.Release();
            var late4 = await ingest;
            Assert.True(late4.Added == 4, string.Join("; ", late4.Failures.Select(f => f.Source + ": " + f.Error)) + $" total {late4.Total} skipped {late4.Skipped}");
            Assert.NotEqual(searches, await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline, SearchComparison.Scores));
        }

        await using var restored = new TestPipeline(_directory);
        var result = await restored.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = _directory.File("backups") });

        Assert.Equal(backup.Path, result.Source);
        var report = await restored.Get<IIndexMaintenance>().VerifyAsync();
        Assert.True(report.IsConsistent);
        Assert.Equal(statistics.Chunks, report.RegistryChunks);
        Assert.Equal(statistics.Documents, (await restored.Get<IDocumentRegistry>().GetStatisticsAsync()).Documents);
        Assert.Equal(searches, await ConsistencyCorpus.SearchAllAsync(restored.Pipeline, SearchComparison.Scores));
    }

    [Fact]
    public async Task BackupAsync_WhileDocumentsAreWrittenWithoutPause_RestoreIsAlwaysConsistent()
    {
        var docs = ConsistencyCorpus.Copy(_directory);
        await using (var pipeline = new TestPipeline(_directory, options: o => o.Queue.MaxConcurrent = 2))
        {
            var ingest = pipeline.IngestAsync(docs);
            var backups = new List<BackupResult>();
            while (!ingest.IsCompleted || backups.Count == 0)
            {
                backups.Add(await pipeline.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = _directory.File($"backups/b{backups.Count}.tar.gz") }));
            }

            await ingest;
            for (var i = 0; i < backups.Count; i++)
            {
                await using var restored = new TestPipeline(_directory, options: o => o.DataDirectory = _directory.File($"restored-{i}"));
                await restored.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = backups[i].Path });
                var report = await restored.Get<IIndexMaintenance>().VerifyAsync();
                Assert.True(report.IsConsistent, $"backup {i}: " + string.Join("; ", report.Indexes.Values.Select(x => $"{x.Name} {x.Discrepancies}")));
                Assert.Equal(backups[i].Chunks, report.RegistryChunks);
            }
        }
    }

    [Fact]
    public async Task BackupAsync_IndexesDifferFromTheRegistry_TheBackupIsReconciledAndTheLiveDataLeftAlone()
    {
        await using var pipeline = await ConsistencyCorpus.IngestedAsync(_directory);
        var id = ConsistencyCorpus.DocumentId(_directory, "lighthouse-keeping.txt");
        var chunks = await ConsistencyCorpus.ChunksAsync(pipeline, id);
        await pipeline.Get<IVectorIndex>().DeleteChunksAsync([chunks[0].ChunkId]);
        await pipeline.Get<IKeywordIndex>().UpsertAsync([new KeywordRecord { ChunkId = "ghost#1", DocumentId = "ghost", Version = 1, Text = "ghost" }]);

        var backup = await pipeline.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = _directory.File("b.tar.gz") });

        Assert.Equal(2, backup.Reconciled);
        Assert.False((await pipeline.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
        await using var restored = new TestPipeline(_directory, options: o => o.DataDirectory = _directory.File("restored"));
        await restored.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = backup.Path });
        Assert.True((await restored.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
    }

    [Fact]
    public async Task BackupAsync_Archive_HoldsAManifestWithCountsAndTheChecksumOfEveryFile()
    {
        await using var pipeline = await ConsistencyCorpus.IngestedAsync(_directory);
        var statistics = await pipeline.Get<IDocumentRegistry>().GetStatisticsAsync();

        var backup = await pipeline.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = _directory.File("b.tgz") });

        var entries = BackupArchives.Read(backup.Path);
        Assert.Equal("manifest.json", entries[0].Name);
        using var manifest = System.Text.Json.JsonDocument.Parse(entries[0].Content);
        var root = manifest.RootElement;
        Assert.Equal("docpipeline-backup", root.GetProperty("format").GetString());
        Assert.Equal(statistics.Documents, root.GetProperty("documents").GetInt64());
        Assert.Equal(statistics.Chunks, root.GetProperty("chunks").GetInt64());
        Assert.Equal(statistics.Chunks, root.GetProperty("vector_entries").GetInt64());
        Assert.Equal(statistics.Chunks, root.GetProperty("keyword_entries").GetInt64());
        Assert.StartsWith("docpipeline-hashing-v1:", root.GetProperty("embedder").GetString(), StringComparison.Ordinal);
        var files = root.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("sha256").GetString()!);
        Assert.Equal(entries.Skip(1).Select(e => e.Name).Order(), files.Keys.Order());
        Assert.Contains("registry.db", files.Keys);
        Assert.Contains("vectors/vectors.bin", files.Keys);
        Assert.Contains(files.Keys, f => f.StartsWith("keyword/segments_", StringComparison.Ordinal));
        foreach (var (name, content) in entries.Skip(1))
        {
            Assert.Equal(files[name], Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)));
        }

        Assert.Equal(files.Count, backup.Files);
        Assert.Equal(entries.Skip(1).Sum(e => (long)e.Content.Length), backup.Bytes);
    }

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task RestoreAsync_TamperedArchive_IsRefusedAndTheLiveDataIsUnchanged(string tampering)
    {
        var backup = await BackUpCorpusAsync();
        var entries = BackupArchives.Read(backup);
        var tampered = _directory.File("tampered.tar.gz");
        var registry = entries.FindIndex(e => e.Name == "registry.db");
        switch (tampering)
        {
            case "changed byte":
                entries[registry].Content[entries[registry].Content.Length / 2] ^= 0x20;
                BackupArchives.Write(tampered, entries);
                break;
            case "extra file":
                BackupArchives.Write(tampered, [.. entries, ("keyword/_99.cfs", [1, 2, 3])]);
                break;
            case "parent path":
                BackupArchives.Write(tampered, [.. entries, ("../escaped.db", [1, 2, 3])]);
                break;
            case "absolute path":
                BackupArchives.Write(tampered, [.. entries, (_directory.File("absolute.db"), [1, 2, 3])]);
                break;
            case "symlink":
                BackupArchives.Write(tampered, entries, new PaxTarEntry(TarEntryType.SymbolicLink, "keyword/_98.cfs") { LinkName = "/etc/passwd" });
                break;
            case "hard link":
                BackupArchives.Write(tampered, entries, new PaxTarEntry(TarEntryType.HardLink, "vectors/vectors.bin.extra") { LinkName = "registry.db" });
                break;
            case "missing file":
                BackupArchives.Write(tampered, entries.Where((_, i) => i != registry));
                break;
            case "manifest not first":
                BackupArchives.Write(tampered, [.. entries.Skip(1), entries[0]]);
                break;
        }

        await AssertRefusedAsync(tampered);
        Assert.False(File.Exists(_directory.File("escaped.db")));
        Assert.False(File.Exists(_directory.File("absolute.db")));
    }

    [Theory]
    [InlineData("changed byte")]
    [InlineData("extra file")]
    [InlineData("symlink")]
    public async Task RestoreAsync_TamperedFolder_IsRefusedAndTheLiveDataIsUnchanged(string tampering)
    {
        var folder = _directory.File("folder-backups");
        await using (var pipeline = new TestPipeline(_directory))
        {
            await pipeline.IngestAsync(ConsistencyCorpus.Copy(_directory));
            await pipeline.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = folder, Format = BackupFormat.Folder });
        }

        var backup = Assert.Single(Directory.GetDirectories(folder));
        switch (tampering)
        {
            case "changed byte":
                var bytes = File.ReadAllBytes(Path.Combine(backup, "vectors/vectors.bin"));
                bytes[^1] ^= 1;
                File.WriteAllBytes(Path.Combine(backup, "vectors/vectors.bin"), bytes);
                break;
            case "extra file":
                File.WriteAllText(Path.Combine(backup, "keyword/notes.txt"), "not part of an index");
                break;
            case "symlink":
                File.Delete(Path.Combine(backup, "jobs.db"));
                File.CreateSymbolicLink(Path.Combine(backup, "jobs.db"), _directory.File("data/jobs.db"));
                break;
        }

        await AssertRefusedAsync(backup);
    }

    [Fact]
    public async Task RestoreAsync_StoresOpenInThisContainer_IsRefusedNamingTheStore()
    {
        var backup = await BackUpCorpusAsync();
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.Pipeline.SearchAsync("lighthouse", new DocPipeline.Search.SearchOptions());

        var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => pipeline.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = backup }));

        Assert.Contains("is in use", error.Message, StringComparison.Ordinal);
        Assert.Contains("docpipe manage --restore", error.Message, StringComparison.Ordinal);
        Assert.NotEmpty(await pipeline.Pipeline.SearchAsync("lighthouse", new DocPipeline.Search.SearchOptions()));
    }

    [Fact]
    public async Task RestoreAsync_AnotherContainerHoldsTheFolder_IsRefusedAndChangesNothing()
    {
        var backup = await BackUpCorpusAsync();
        var before = BackupArchives.Snapshot(_directory.File("data"));
        DocPipelineStorageException error;
        await using (var holder = new TestPipeline(_directory))
        {
            _ = holder.Get<IDocumentRegistry>();
            await using var restorer = new TestPipeline(_directory);
            error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => restorer.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = backup }));
        }

        Assert.Contains("registry", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, BackupArchives.Snapshot(_directory.File("data")));
    }

    [Fact]
    public async Task RestoreAsync_WithAutoBackup_BacksUpTheReplacedDataFirst()
    {
        var backup = await BackUpCorpusAsync();
        await using (var changer = new TestPipeline(_directory))
        {
            _directory.Write("extra/notes.txt", "A note about kites, kite strings and the wind on the beach.");
            await changer.IngestAsync(_directory.File("extra"));
        }

        await using var restorer = new TestPipeline(_directory, options: o => o.IndexManagement.AutoBackup = true);
        var result = await restorer.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = backup });

        Assert.NotNull(result.BackupPath);
        Assert.Empty(await restorer.Pipeline.SearchAsync("kites", new DocPipeline.Search.SearchOptions { Mode = DocPipeline.Search.SearchMode.Keyword }));
        await using var undo = new TestPipeline(_directory, options: o => o.DataDirectory = _directory.File("undo"));
        await undo.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = result.BackupPath });
        Assert.NotEmpty(await undo.Pipeline.SearchAsync("kites", new DocPipeline.Search.SearchOptions { Mode = DocPipeline.Search.SearchMode.Keyword }));
    }

    [Fact]
    public async Task BackupAsync_IntoAFolder_DeletesOnlyBackupsOlderThanTheRetention()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        var folder = _directory.File("backups");
        Directory.CreateDirectory(folder);
        var old = Path.Combine(folder, "docpipeline-20261101T120000000Z.tar.gz");
        var oldFolder = Path.Combine(folder, "docpipeline-20261110T120000000Z");
        var recent = Path.Combine(folder, "docpipeline-20261120T120000000Z.tar.gz");
        var unrelated = Path.Combine(folder, "docpipeline-notes.tar.gz");
        File.WriteAllText(old, "old");
        Directory.CreateDirectory(oldFolder);
        File.WriteAllText(Path.Combine(oldFolder, "manifest.json"), "{}");
        File.WriteAllText(recent, "recent");
        File.WriteAllText(unrelated, "not a backup name");
        await using var pipeline = new TestPipeline(
            _directory,
            b => b.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(time)),
            o => o.IndexManagement.BackupRetentionDays = 14);

        var backup = await pipeline.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = folder });

        Assert.Equal(Path.Combine(folder, "docpipeline-20261129T120000000Z.tar.gz"), backup.Path);
        Assert.Equal(new[] { old, oldFolder }.Order(), backup.Expired.Order());
        Assert.False(File.Exists(old));
        Assert.False(Directory.Exists(oldFolder));
        Assert.True(File.Exists(recent));
        Assert.True(File.Exists(unrelated));
        Assert.True(File.Exists(backup.Path));
    }

    [Fact]
    public async Task RestoreAsync_FolderOfBackups_RestoresTheNewest()
    {
        var folder = _directory.File("backups");
        await using (var pipeline = new TestPipeline(_directory))
        {
            await pipeline.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = folder });
            await pipeline.IngestAsync(ConsistencyCorpus.Copy(_directory));
            await pipeline.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = folder });
        }

        await using var restored = new TestPipeline(_directory, options: o => o.DataDirectory = _directory.File("restored"));
        var result = await restored.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = folder });

        Assert.Equal(BackupFiles.ListBackups(folder)[0].Path, result.Source);
        Assert.True(result.Chunks > 0);
    }

    private static BackupOptions Options(string format) => format == "folder"
        ? new BackupOptions { Format = BackupFormat.Folder }
        : new BackupOptions();

    private async Task<string> BackUpCorpusAsync()
    {
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(ConsistencyCorpus.Copy(_directory));
        return (await pipeline.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = _directory.File("backup.tar.gz") })).Path;
    }

    private async Task AssertRefusedAsync(string backup)
    {
        var before = BackupArchives.Snapshot(_directory.File("data"));
        await using (var restorer = new TestPipeline(_directory))
        {
            var error = await Assert.ThrowsAsync<InvalidBackupException>(() => restorer.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = backup }));
            Assert.Contains("Nothing was restored", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, BackupArchives.Snapshot(_directory.File("data")));
        Assert.Empty(Directory.GetFileSystemEntries(_directory.File("data"), "*.restore-*"));
        await using var pipeline = new TestPipeline(_directory);
        Assert.True((await pipeline.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
        Assert.NotEmpty(await pipeline.Pipeline.SearchAsync("lighthouse", new DocPipeline.Search.SearchOptions()));
    }
}
