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
    public async Task ExpandAsync_SymlinkCycle_Terminates()
    {
        _directory.Write("loop/a.txt", "a");
        Directory.CreateSymbolicLink(_directory.File("loop/self"), _directory.File("loop"));

        var found = await Collect(new SourceDiscovery([]), _directory.File("loop"));

        Assert.Equal(_directory.File("loop/a.txt"), Assert.Single(found).Path);
    }

    public void Dispose() => _directory.Dispose();

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
