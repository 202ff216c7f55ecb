using System.Text.Json;
using DocPipeline.Consistency;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Consistency;
using DocPipeline.Tests.Ingestion;

namespace DocPipeline.Tests.Maintenance;

/// <summary>
/// A store the core does not know (<see cref="NoteStore"/>), registered only through the public participation
/// contracts, is backed up, restored, verified and checked at startup like the built-in stores.
/// </summary>
public sealed class ThirdPartyStoreTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Notes => _directory.File("notes");

    [Fact]
    public async Task BackupAndRestore_ThirdPartyStore_IsChecksummedInTheManifestAndComesBackWithTheDataFolder()
    {
        var docs = ConsistencyCorpus.Copy(_directory);
        BackupResult backup;
        RegistryStatistics statistics;
        await using (var pipeline = NewPipeline())
        {
            await pipeline.IngestAsync(docs);
            var notes = pipeline.Get<NoteStore>();
            notes.Write("a", "first note");
            notes.Write("b", "second note");
            statistics = await pipeline.Get<IDocumentRegistry>().GetStatisticsAsync();
            backup = await pipeline.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = _directory.File("backups"), Format = BackupFormat.Folder });

            // Change both after the backup.
            notes.Write("a", "first note, edited");
            File.Delete(Path.Combine(Notes, "b.note"));
            File.WriteAllText(Path.Combine(docs, "lamps.txt"), "Lighthouse lamps, lighthouse lamps everywhere: a lamp catalogue.");
            await pipeline.IngestAsync(docs);
        }

        Assert.Contains("notes", backup.Stores);
        using (var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(backup.Path, "manifest.json"))))
        {
            var files = manifest.RootElement.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("sha256").GetString()!);
            Assert.Equal(["parts/notes/a.note", "parts/notes/b.note"], files.Keys.Where(k => k.StartsWith("parts/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
            Assert.All(files.Values, sha => Assert.Matches("^[0-9a-f]{64}$", sha));
        }

        await using var restored = NewPipeline();
        var result = await restored.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = backup.Path });

        Assert.Equal(["jobs", "fingerprints", "registry", "notes", "vector", "keyword"], result.Stores);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "first note", ["b"] = "second note" }, restored.Get<NoteStore>().ReadAll());
        Assert.Equal(statistics with { SizeBytes = 0 }, await restored.Get<IDocumentRegistry>().GetStatisticsAsync() with { SizeBytes = 0 });
        Assert.True((await restored.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
    }

    [Fact]
    public async Task RestoreAsync_PartNoRegisteredStoreRestores_RefusedBeforeAnythingChanges()
    {
        var docs = ConsistencyCorpus.Copy(_directory);
        BackupResult backup;
        RegistryStatistics after;
        await using (var pipeline = NewPipeline())
        {
            await pipeline.IngestAsync(docs);
            pipeline.Get<NoteStore>().Write("a", "a note");
            backup = await pipeline.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = _directory.File("backups") });
            File.WriteAllText(Path.Combine(docs, "lamps.txt"), "Lighthouse lamps, lighthouse lamps everywhere: a lamp catalogue.");
            await pipeline.IngestAsync(docs);
            after = await pipeline.Get<IDocumentRegistry>().GetStatisticsAsync();
        }

        await using (var withoutNotes = new TestPipeline(_directory))
        {
            var error = await Assert.ThrowsAsync<InvalidBackupException>(() => withoutNotes.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = backup.Path }));
            Assert.Contains("'notes'", error.Message, StringComparison.Ordinal);
        }

        await using var check = new TestPipeline(_directory);
        Assert.Equal(after with { SizeBytes = 0 }, await check.Get<IDocumentRegistry>().GetStatisticsAsync() with { SizeBytes = 0 });
        Assert.Empty(Directory.GetFileSystemEntries(_directory.File("data"), "*.restore-*"));
    }

    [Fact]
    public async Task VerifyAsync_ThirdPartyStoreDamaged_ReportedAmongTheStores()
    {
        await using var pipeline = NewPipeline();
        await pipeline.IngestAsync(ConsistencyCorpus.Copy(_directory));
        var notes = pipeline.Get<NoteStore>();
        notes.Write("a", "a note");
        notes.Write("b", "another note");

        var intact = await pipeline.Get<IIndexMaintenance>().VerifyAsync(new VerifyOptions());
        File.WriteAllText(Path.Combine(Notes, "b.note"), File.ReadAllText(Path.Combine(Notes, "b.note")).Replace("another", "AnOther", StringComparison.Ordinal));
        var damaged = await pipeline.Get<IIndexMaintenance>().VerifyAsync(new VerifyOptions());

        Assert.True(intact.Stores["notes"].IsIntact);
        Assert.True(intact.IsIntact);
        Assert.Equal("damaged notes: b.note", damaged.Stores["notes"].Error);
        Assert.False(damaged.IsIntact);
        Assert.True(damaged.Stores["registry"].IsIntact);
    }

    [Fact]
    public async Task FirstSearch_ThirdPartyStoreMissingWhileTheRegistryHoldsDocuments_Refused()
    {
        var docs = ConsistencyCorpus.Copy(_directory);
        await using (var pipeline = NewPipeline())
        {
            pipeline.Get<NoteStore>().Write("a", "a note");
            await pipeline.IngestAsync(docs);
        }

        Directory.Delete(Notes, recursive: true);
        await using var reopened = NewPipeline();
        var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => reopened.Pipeline.SearchAsync("compost", new DocPipeline.Search.SearchOptions()));

        Assert.Contains($"The note store at '{Notes}' is missing.", error.Message, StringComparison.Ordinal);
    }

    private TestPipeline NewPipeline() => new(_directory, builder => NoteStore.Register(builder.Services, Notes));
}
