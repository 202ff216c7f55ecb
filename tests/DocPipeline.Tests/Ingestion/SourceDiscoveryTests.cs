using DocPipeline.Ingestion;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Tests.Ingestion;

public sealed class SourceDiscoveryTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task ExpandAsync_Folder_AllVisibleFilesRecursivelyButNotHiddenOrDataFolder()
    {
        _directory.Write("docs/a.txt", "a");
        _directory.Write("docs/sub/b.md", "b");
        _directory.Write("docs/.git/config", "hidden");
        _directory.Write("docs/.hidden.txt", "hidden");
        _directory.Write("docs/.docpipeline/registry.db", "data");
        _directory.Write("docs/data/jobs.db", "data");
        var discovery = new SourceDiscovery([_directory.File("docs/data")]);

        var found = await Collect(discovery, _directory.File("docs"));

        Assert.Equal([_directory.File("docs/a.txt"), _directory.File("docs/sub/b.md")], found.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.All(found, f => Assert.Equal(_directory.File("docs"), f.Root));
    }

    [Fact]
    public async Task ExpandAsync_Glob_MatchesBelowItsFixedPrefix()
    {
        _directory.Write("docs/a.pdf", "a");
        _directory.Write("docs/x/b.pdf", "b");
        _directory.Write("docs/x/c.txt", "c");

        var recursive = await Collect(new SourceDiscovery([]), _directory.File("docs") + "/**/*.pdf");
        var topLevel = await Collect(new SourceDiscovery([]), _directory.File("docs") + "/*.pdf");

        Assert.Equal(2, recursive.Count);
        Assert.Equal(_directory.File("docs/a.pdf"), Assert.Single(topLevel).Path);
    }

    [Fact]
    public async Task ExpandAsync_File_ItselfWithoutRoot()
    {
        var path = _directory.Write("one.txt", "x");

        var found = Assert.Single(await Collect(new SourceDiscovery([]), path));

        Assert.Equal(path, found.Path);
        Assert.Null(found.Root);
        Assert.Null(found.Error);
    }

    [Fact]
    public async Task ExpandAsync_MissingPathAndEmptyGlob_ReportedAsErrorsNotThrown()
    {
        var missing = _directory.File("nope.txt");
        var glob = _directory.Path + "/*.docx";

        var found = await Collect(new SourceDiscovery([]), missing, glob);

        Assert.Equal(2, found.Count);
        Assert.Contains("does not exist", found[0].Error, StringComparison.Ordinal);
        Assert.Contains("matched no files", found[1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpandAsync_GlobUnderMissingFolder_ReportsTheFolder()
    {
        var found = Assert.Single(await Collect(new SourceDiscovery([]), _directory.File("missing") + "/**/*.md"));

        Assert.Contains("does not exist", found.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpandAsync_SymlinkCycle_TerminatesAndReportsTheLink()
    {
        _directory.Write("loop/a.txt", "a");
        Directory.CreateSymbolicLink(_directory.File("loop/self"), _directory.File("loop"));

        var found = await Collect(new SourceDiscovery([]), _directory.File("loop"));

        Assert.Equal(_directory.File("loop/a.txt"), Assert.Single(found, f => f.SkipReason is null).Path);
        var skipped = Assert.Single(found, f => f.SkipReason is not null);
        Assert.Equal(_directory.File("loop/self"), skipped.Path);
        Assert.Contains("already read as", skipped.SkipReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpandAsync_SymlinkedFile_FoundUnderTheLinkPath()
    {
        var target = _directory.Write("elsewhere/guide.md", "guide");
        _directory.Write("docs/a.txt", "a");
        File.CreateSymbolicLink(_directory.File("docs/guide.md"), target);

        var found = await Collect(new SourceDiscovery([]), _directory.File("docs"));

        Assert.Equal([_directory.File("docs/a.txt"), _directory.File("docs/guide.md")], Paths(found));
        Assert.All(found, f => Assert.Null(f.SkipReason));
    }

    [Fact]
    public async Task ExpandAsync_SymlinkedFolder_WalkedUnderTheLinkPath()
    {
        _directory.Write("elsewhere/manual/b.md", "b");
        _directory.Write("elsewhere/manual/deep/c.txt", "c");
        _directory.Write("docs/a.txt", "a");
        Directory.CreateSymbolicLink(_directory.File("docs/manual"), _directory.File("elsewhere/manual"));

        var found = await Collect(new SourceDiscovery([]), _directory.File("docs"));

        Assert.Equal([_directory.File("docs/a.txt"), _directory.File("docs/manual/b.md"), _directory.File("docs/manual/deep/c.txt")], Paths(found));
        Assert.All(found, f => Assert.Equal(_directory.File("docs"), f.Root));
    }

    [Fact]
    public async Task ExpandAsync_FolderOfOnlySymlinks_FindsTheirFiles()
    {
        var target = _directory.Write("elsewhere/a.txt", "a");
        _directory.Write("elsewhere/sub/b.txt", "b");
        Directory.CreateDirectory(_directory.File("links"));
        File.CreateSymbolicLink(_directory.File("links/a.txt"), target);
        Directory.CreateSymbolicLink(_directory.File("links/sub"), _directory.File("elsewhere/sub"));

        var found = await Collect(new SourceDiscovery([]), _directory.File("links"));

        Assert.Equal([_directory.File("links/a.txt"), _directory.File("links/sub/b.txt")], Paths(found));
        Assert.All(found, f => Assert.Null(f.Error));
    }

    [Fact]
    public async Task ExpandAsync_TwoLinksToOneFolderAndALinkToAFileInside_EachFileFoundOnce()
    {
        _directory.Write("docs/real/a.txt", "a");
        Directory.CreateSymbolicLink(_directory.File("docs/again"), _directory.File("docs/real"));
        _directory.Write("other/b.txt", "b");
        Directory.CreateSymbolicLink(_directory.File("docs/other1"), _directory.File("other"));
        Directory.CreateSymbolicLink(_directory.File("docs/other2"), _directory.File("other"));
        File.CreateSymbolicLink(_directory.File("docs/copy.txt"), _directory.File("docs/real/a.txt"));

        var found = await Collect(new SourceDiscovery([]), _directory.File("docs"));

        var files = found.Where(f => f.SkipReason is null).Select(f => f.Path).ToList();
        Assert.Equal(2, files.Count);
        Assert.Contains(_directory.File("docs/real/a.txt"), files);
        Assert.Single(files, f => f.EndsWith("b.txt", StringComparison.Ordinal));
        var skipped = found.Where(f => f.SkipReason is not null).Select(f => Path.GetFileName(f.Path)).ToList();
        Assert.Equal(3, skipped.Count);
        Assert.Contains("again", skipped);
        Assert.Contains("copy.txt", skipped);
        Assert.Single(skipped, s => s is "other1" or "other2");
    }

    [Fact]
    public async Task ExpandAsync_LinkToAnAncestorHoldingTheDataFolder_DataFolderStillExcluded()
    {
        _directory.Write("docs/a.txt", "a");
        _directory.Write("data/registry.db", "data");
        _directory.Write("notes.txt", "n");
        Directory.CreateSymbolicLink(_directory.File("docs/up"), _directory.Path);

        var found = await Collect(new SourceDiscovery([_directory.File("data")]), _directory.File("docs"));

        Assert.Equal([_directory.File("docs/a.txt"), _directory.File("docs/up/notes.txt")], Paths(found.Where(f => f.SkipReason is null).ToList()));
        Assert.DoesNotContain(found, f => f.Path.Contains("/data/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExpandAsync_DanglingSymlink_ReportedAsSkippedNotSilent()
    {
        _directory.Write("docs/a.txt", "a");
        File.CreateSymbolicLink(_directory.File("docs/gone.txt"), _directory.File("nowhere/gone.txt"));

        var found = await Collect(new SourceDiscovery([]), _directory.File("docs"));

        var skipped = Assert.Single(found, f => f.SkipReason is not null);
        Assert.Equal(_directory.File("docs/gone.txt"), skipped.Path);
        Assert.Contains("does not exist", skipped.SkipReason, StringComparison.Ordinal);
        Assert.Equal(_directory.File("docs/a.txt"), Assert.Single(found, f => f.SkipReason is null).Path);
    }

    [SkippableFact]
    public async Task ExpandAsync_SymlinksToFifoAndDevice_SkippedWithReason()
    {
        Skip.If(SpecialFiles.Unsupported is not null, SpecialFiles.Unsupported);
        var fifo = SpecialFiles.MakeFifo(_directory.File("elsewhere/pipe"));
        Directory.CreateDirectory(_directory.File("docs"));
        File.CreateSymbolicLink(_directory.File("docs/pipe.txt"), fifo);
        File.CreateSymbolicLink(_directory.File("docs/zero.txt"), "/dev/zero");

        var found = await SpecialFiles.WithinAsync(Collect(new SourceDiscovery([]), _directory.File("docs")), fifo);

        Assert.Equal([_directory.File("docs/pipe.txt"), _directory.File("docs/zero.txt")], Paths(found));
        Assert.Contains("FIFO", found.Single(f => f.Path.EndsWith("pipe.txt", StringComparison.Ordinal)).SkipReason, StringComparison.Ordinal);
        Assert.Contains("character device", found.Single(f => f.Path.EndsWith("zero.txt", StringComparison.Ordinal)).SkipReason, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    private static List<string> Paths(List<DiscoveredSource> found) => found.Select(f => f.Path).Order(StringComparer.Ordinal).ToList();

    private static async Task<List<DiscoveredSource>> Collect(SourceDiscovery discovery, params string[] sources)
    {
        var found = new List<DiscoveredSource>();
        await foreach (var item in discovery.ExpandAsync(sources))
        {
            found.Add(item);
        }

        return found;
    }
}
