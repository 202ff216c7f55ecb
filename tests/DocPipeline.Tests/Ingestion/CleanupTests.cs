using DocPipeline.Ingestion;
using DocPipeline.Management;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Tests.Ingestion;

public sealed class CleanupTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task Scoped_RemovesVanishedSourcesUnderTheRunsFolderOnly()
    {
        _directory.Write("a/keep.txt", "keep");
        var vanished = _directory.Write("a/vanished.txt", "vanishes");
        var outside = _directory.Write("b/outside.txt", "outside the run's roots");
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("a"), _directory.File("b"));
        File.Delete(vanished);
        File.Delete(outside);

        var result = await pipeline.IngestAsync(new IngestOptions { Cleanup = CleanupMode.Scoped }, _directory.File("a"));

        Assert.Equal(1, result.Removed);
        var manager = pipeline.Get<IIndexManager>();
        Assert.False(await manager.ExistsAsync(DocumentIds.FromSource(vanished)));
        Assert.True(await manager.ExistsAsync(DocumentIds.FromSource(outside)));
        Assert.True(await manager.ExistsAsync(DocumentIds.FromSource(_directory.File("a/keep.txt"))));
    }

    [Fact]
    public async Task Scoped_GlobRoot_OnlyRemovesWhatTheGlobCovers()
    {
        var pdfLike = _directory.Write("docs/report.md", "a report");
        var text = _directory.Write("docs/notes.txt", "notes");
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("docs"));
        File.Delete(pdfLike);
        File.Delete(text);
        _directory.Write("docs/other.md", "keeps the glob matching something");

        var result = await pipeline.IngestAsync(new IngestOptions { Cleanup = CleanupMode.Scoped }, _directory.File("docs") + "/*.md");

        Assert.Equal(1, result.Removed);
        var manager = pipeline.Get<IIndexManager>();
        Assert.False(await manager.ExistsAsync(DocumentIds.FromSource(pdfLike)));
        Assert.True(await manager.ExistsAsync(DocumentIds.FromSource(text)));
    }

    [Fact]
    public async Task Full_AfterARunWithFailures_DeletesNothingUnlessForced()
    {
        _directory.Write("a/keep.txt", "keep");
        var elsewhere = _directory.Write("b/elsewhere.txt", "indexed by an earlier run");
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("a"), _directory.File("b"));
        _directory.Write("a/broken.txt", string.Empty);

        var refused = await pipeline.IngestAsync(new IngestOptions { Cleanup = CleanupMode.Full }, _directory.File("a"));
        var forced = await pipeline.IngestAsync(new IngestOptions { Cleanup = CleanupMode.Full, ForceCleanup = true }, _directory.File("a"));

        Assert.Equal((0, 1), (refused.Removed, refused.Failed));
        Assert.Contains("failure", refused.CleanupSkipped, StringComparison.Ordinal);
        Assert.Equal(1, forced.Removed);
        Assert.False(await pipeline.Get<IIndexManager>().ExistsAsync(DocumentIds.FromSource(elsewhere)));
    }

    [Fact]
    public async Task Full_CleanRun_RemovesEveryDocumentTheRunDidNotSee()
    {
        _directory.Write("a/keep.txt", "keep");
        var elsewhere = _directory.Write("b/elsewhere.txt", "not part of the next run");
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("a"), _directory.File("b"));

        var result = await pipeline.IngestAsync(new IngestOptions { Cleanup = CleanupMode.Full }, _directory.File("a"));

        Assert.Equal((1, 0, 1), (result.Removed, result.Failed, result.Skipped));
        Assert.False(await pipeline.Get<IIndexManager>().ExistsAsync(DocumentIds.FromSource(elsewhere)));
    }

    [Fact]
    public async Task None_VanishedSource_StaysIndexed()
    {
        var vanished = _directory.Write("a/vanished.txt", "vanishes");
        _directory.Write("a/keep.txt", "keep");
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("a"));
        File.Delete(vanished);

        var result = await pipeline.IngestAsync(_directory.File("a"));

        Assert.Equal(0, result.Removed);
        Assert.True(await pipeline.Get<IIndexManager>().ExistsAsync(DocumentIds.FromSource(vanished)));
    }

    [Fact]
    public async Task Full_WithAutoBackup_TakesABackupBeforeRemoving()
    {
        _directory.Write("a/keep.txt", "keep");
        _directory.Write("b/elsewhere.txt", "not part of the next run");
        var backups = _directory.File("backups");
        await using var pipeline = new TestPipeline(_directory, options: o =>
        {
            o.IndexManagement.AutoBackup = true;
            o.IndexManagement.BackupPath = backups;
        });
        await pipeline.IngestAsync(_directory.File("a"), _directory.File("b"));

        var result = await pipeline.IngestAsync(new IngestOptions { Cleanup = CleanupMode.Full }, _directory.File("a"));

        Assert.Equal(1, result.Removed);
        var backup = Assert.Single(Directory.EnumerateFileSystemEntries(backups));
        Assert.StartsWith("docpipeline-", Path.GetFileName(backup), StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
