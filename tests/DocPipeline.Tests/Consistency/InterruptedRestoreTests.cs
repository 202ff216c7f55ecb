using DocPipeline.Configuration;
using DocPipeline.Consistency;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Ingestion;
using Microsoft.Extensions.Logging.Abstractions;

namespace DocPipeline.Tests.Consistency;

/// <summary>
/// What a restore killed part way leaves beside the stores (<c>*.restore-*</c>, <c>*.pre-restore-*</c>): the next
/// restore settles it, and no copy is deleted while it is the only one of its store.
/// </summary>
public sealed class InterruptedRestoreTests : IDisposable
{
    private const string Id = "0123456789abcdef0123456789abcdef";
    private readonly TestDirectory _directory = new();

    private string Data => _directory.File("data");

    private DataFolderLayout Layout => DataFolderLayout.From(new DocPipelineOptions { DataDirectory = Data });

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task RestoreAsync_AfterARestoreKilledWhileStaging_DeletesItsStagedCopies()
    {
        var (backup, _) = await BackUpThenChangeAsync();
        File.WriteAllBytes(Layout.RegistryPath + ".restore-" + Id, new byte[4096]);
        Directory.CreateDirectory(Layout.KeywordDirectory + ".restore-" + Id);
        File.WriteAllBytes(Path.Combine(Layout.KeywordDirectory + ".restore-" + Id, "_0.cfs"), new byte[100]);

        await using var restorer = new TestPipeline(_directory);
        await restorer.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = backup });

        AssertNoLeftovers();
        Assert.True((await restorer.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
    }

    [Fact]
    public async Task GetStatisticsAsync_AfterARestoreKilledWhileStaging_ListsItsLeftovers()
    {
        await BackUpThenChangeAsync();
        var staged = Layout.RegistryPath + ".restore-" + Id;
        File.WriteAllBytes(staged, new byte[4096]);

        await using var pipeline = new TestPipeline(_directory);
        var statistics = await pipeline.Get<DocPipeline.Management.IIndexManager>().GetStatisticsAsync();

        Assert.Equal([staged], statistics.RestoreLeftovers);
    }

    [Fact]
    public async Task RestoreAsync_AfterARestoreKilledMidSwap_RemovesEveryLeftover()
    {
        var (backup, _) = await BackUpThenChangeAsync();
        await KillMidSwapAsync(backup);

        await using var restorer = new TestPipeline(_directory);
        await restorer.Get<IIndexMaintenance>().RestoreAsync(new RestoreOptions { Source = backup });

        AssertNoLeftovers();
        Assert.True((await restorer.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
    }

    [Fact]
    public async Task Settle_RestoreKilledMidSwap_FinishesTheSwapBeforeDeletingTheReplacedStores()
    {
        var (backup, backedUp) = await BackUpThenChangeAsync();
        await KillMidSwapAsync(backup);
        Assert.False(Directory.Exists(Layout.VectorDirectory), "the vector store is mid-swap: only its staged and replaced copies exist");

        var done = RestoreLeftovers.Settle(Layout, NullLogger.Instance);

        Assert.Contains("finished", Assert.Single(done), StringComparison.Ordinal);
        AssertNoLeftovers();
        await using var pipeline = new TestPipeline(_directory);
        Assert.True((await pipeline.Get<IIndexMaintenance>().VerifyAsync()).IsConsistent);
        Assert.Equal(backedUp, await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline, SearchComparison.Scores));
    }

    [Fact]
    public async Task Settle_StoreCreatedAgainAfterTheKill_KeepsEveryCopyAndSaysSo()
    {
        var (backup, _) = await BackUpThenChangeAsync();
        await KillMidSwapAsync(backup);
        Directory.CreateDirectory(Layout.VectorDirectory);
        var before = RestoreLeftovers.Find(Layout);

        var done = RestoreLeftovers.Settle(Layout, NullLogger.Instance);

        Assert.Contains("kept", Assert.Single(done), StringComparison.Ordinal);
        Assert.Equal(before, RestoreLeftovers.Find(Layout));
    }

    /// <summary>Ingests the corpus, backs it up, then changes the data (one more document); returns the backup and the searches it answers.</summary>
    private async Task<(string Backup, List<string> Searches)> BackUpThenChangeAsync()
    {
        var docs = ConsistencyCorpus.Copy(_directory);
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(docs);
        var searches = await ConsistencyCorpus.SearchAllAsync(pipeline.Pipeline, SearchComparison.Scores);
        var backup = await pipeline.Get<IIndexMaintenance>().BackupAsync(new BackupOptions { Destination = _directory.File("backup.tar.gz") });
        File.WriteAllText(Path.Combine(docs, "lamps.txt"), "Lighthouse lamps, lighthouse lamps everywhere: a lamp catalogue.");
        await pipeline.IngestAsync(docs);
        return (backup.Path, searches);
    }

    /// <summary>
    /// Leaves the data folder as a restore killed mid-swap does: every store staged, the marker written, the registry
    /// swapped, the vector store renamed aside but its staged copy not yet moved in, the others not yet touched.
    /// </summary>
    private async Task KillMidSwapAsync(string backup)
    {
        var layout = Layout;
        var staged = await BackupReader.StageAsync(backup, layout, Id, CancellationToken.None);
        Assert.Equal(5, staged.Staged.Count);
        File.WriteAllBytes(RestoreLeftovers.MarkerPath(layout, Id), []);
        foreach (var part in RestoreLeftovers.PartsOf(DataFolderLayout.Registry, layout.RegistryPath).Where(File.Exists))
        {
            RestoreLeftovers.Move(part, RestoreLeftovers.AsideOf(part, Id));
        }

        RestoreLeftovers.Move(layout.RegistryPath + ".restore-" + Id, layout.RegistryPath);
        RestoreLeftovers.Move(layout.VectorDirectory, RestoreLeftovers.AsideOf(layout.VectorDirectory, Id));
    }

    private void AssertNoLeftovers()
    {
        Assert.Empty(RestoreLeftovers.Find(Layout));
        Assert.Empty(Directory.GetFileSystemEntries(Data, "*.restore-*"));
        Assert.Empty(Directory.GetFileSystemEntries(Data, "*.pre-restore-*"));
        Assert.Empty(Directory.GetFileSystemEntries(Data, "restore-*.swapping"));
    }
}
