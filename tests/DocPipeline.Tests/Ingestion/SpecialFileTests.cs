using DocPipeline.Fingerprints;
using DocPipeline.Ingestion;
using DocPipeline.Management;
using DocPipeline.Search;
using DocPipeline.Sources;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Tests.Ingestion;

/// <summary>
/// FIFOs, sockets and devices among the sources (directly or through a symbolic link) are skipped with a reason and
/// never opened: opening a FIFO for reading waits for a writer forever, and <c>/dev/zero</c> never ends.
/// </summary>
public sealed class SpecialFileTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [SkippableFact]
    public async Task IngestAsync_FolderWithFifo_IndexesTheOtherFilesAndSkipsTheFifoWithReason()
    {
        Skip.If(SpecialFiles.Unsupported is not null, SpecialFiles.Unsupported);
        _directory.Write("docs/lighthouse.txt", "The lighthouse keeper climbed the stairs at dusk.");
        _directory.Write("docs/bread.md", "# Bread\n\nA sourdough starter needs flour and water.");
        var fifo = SpecialFiles.MakeFifo(_directory.File("docs/pipe.txt"));
        await using var pipeline = new TestPipeline(_directory);

        var result = await SpecialFiles.WithinAsync(pipeline.IngestAsync(_directory.File("docs")), fifo);

        Assert.Equal(2, result.Added);
        Assert.Equal(0, result.Failed);
        var skip = Assert.Single(result.SkipReasons);
        Assert.Equal(fifo, skip.Source);
        Assert.Contains("FIFO", skip.Reason, StringComparison.Ordinal);
        var hits = await pipeline.Pipeline.SearchAsync("lighthouse keeper", new SearchOptions { Mode = SearchMode.Keyword, TopK = 3 });
        Assert.Equal(_directory.File("docs/lighthouse.txt"), hits[0].Source);
    }

    [SkippableFact]
    public async Task IngestAsync_FifoGivenDirectlyWithoutExtension_SkippedWithReason()
    {
        Skip.If(SpecialFiles.Unsupported is not null, SpecialFiles.Unsupported);
        _directory.Write("docs/notes.txt", "Notes about tides.");
        var fifo = SpecialFiles.MakeFifo(_directory.File("docs/pipe"));
        await using var pipeline = new TestPipeline(_directory);

        var result = await SpecialFiles.WithinAsync(pipeline.IngestAsync(fifo, _directory.File("docs/notes.txt")), fifo);

        Assert.Equal(1, result.Added);
        Assert.Equal(0, result.Failed);
        Assert.Contains("FIFO", Assert.Single(result.SkipReasons, s => s.Source == fifo).Reason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task IngestAsync_SymlinksToDevZeroAndDevUrandom_SkippedWithReason()
    {
        Skip.If(SpecialFiles.Unsupported is not null, SpecialFiles.Unsupported);
        _directory.Write("docs/notes.txt", "Notes about tides.");
        File.CreateSymbolicLink(_directory.File("docs/zero.txt"), "/dev/zero");
        File.CreateSymbolicLink(_directory.File("docs/random.md"), "/dev/urandom");
        await using var pipeline = new TestPipeline(_directory);

        // Reading /dev/zero never ends: a regression is cancelled and fails instead of running forever.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await pipeline.Pipeline.IngestAsync([_directory.File("docs")], new IngestOptions(), timeout.Token);

        Assert.Equal(1, result.Added);
        Assert.Equal(0, result.Failed);
        Assert.Equal([_directory.File("docs/random.md"), _directory.File("docs/zero.txt")], result.SkipReasons.Select(s => s.Source).Order(StringComparer.Ordinal));
        Assert.All(result.SkipReasons, s => Assert.Contains("character device", s.Reason, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task AddAsync_Fifo_FailsWithReasonWithoutBlocking()
    {
        Skip.If(SpecialFiles.Unsupported is not null, SpecialFiles.Unsupported);
        var fifo = SpecialFiles.MakeFifo(_directory.File("pipe.md"));
        await using var pipeline = new TestPipeline(_directory);

        var added = await SpecialFiles.WithinAsync(pipeline.Get<IIndexManager>().AddAsync(fifo), fifo);

        Assert.Equal(DocumentOperationOutcome.Failed, added.Outcome);
        Assert.Contains("FIFO", added.Error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task OpenRead_Fifo_ThrowsNotRegularFileWithoutBlocking()
    {
        Skip.If(SpecialFiles.Unsupported is not null, SpecialFiles.Unsupported);
        var fifo = SpecialFiles.MakeFifo(_directory.File("pipe.txt"));
        var files = new PhysicalFingerprintFileSystem();

        var error = await SpecialFiles.WithinAsync(Task.Run(() => Record.Exception(() => files.OpenRead(fifo).Dispose())), fifo);

        Assert.IsType<NotRegularFileException>(error);
        Assert.Contains("FIFO", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void GetStat_SymlinkToDevZero_TellsACharacterDevice()
    {
        Skip.If(SpecialFiles.Unsupported is not null, SpecialFiles.Unsupported);
        var link = _directory.File("zero.txt");
        File.CreateSymbolicLink(link, "/dev/zero");

        var stat = new PhysicalFingerprintFileSystem().GetStat(link);

        Assert.Equal(SourceFileKind.CharacterDevice, stat?.Kind);
    }

    public void Dispose() => _directory.Dispose();
}
