using DocPipeline.Ingestion;
using DocPipeline.Search;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Tests.Ingestion;

/// <summary>A batch over a folder follows its symbolic links (each file read once) and reports every link it does not follow.</summary>
public sealed class SymbolicLinkTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task IngestAsync_FolderWithLinks_IndexesLinkedFilesAndFoldersAndReportsTheRest()
    {
        _directory.Write("docs/lighthouse.txt", "The lighthouse keeper climbed the stairs at dusk.");
        var guide = _directory.Write("elsewhere/guide.md", "# Guide\n\nA sourdough starter needs flour and water.");
        _directory.Write("elsewhere/manual/tides.txt", "Spring tides follow the new and the full moon.");
        File.CreateSymbolicLink(_directory.File("docs/guide.md"), guide);
        Directory.CreateSymbolicLink(_directory.File("docs/manual"), _directory.File("elsewhere/manual"));
        Directory.CreateSymbolicLink(_directory.File("docs/loop"), _directory.File("docs"));
        File.CreateSymbolicLink(_directory.File("docs/gone.txt"), _directory.File("nowhere.txt"));
        await using var pipeline = new TestPipeline(_directory);

        var result = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.Equal(3, result.Added);
        Assert.Equal(0, result.Failed);
        Assert.Equal([_directory.File("docs/gone.txt"), _directory.File("docs/loop")], result.SkipReasons.Select(s => s.Source).Order(StringComparer.Ordinal));
        var hits = await pipeline.Pipeline.SearchAsync("spring tides moon", new SearchOptions { Mode = SearchMode.Keyword, TopK = 3 });
        Assert.Equal(_directory.File("docs/manual/tides.txt"), hits[0].Source);
    }

    [Fact]
    public async Task IngestAsync_FolderOfOnlyLinks_IndexesTheirFilesInsteadOfFailing()
    {
        var a = _directory.Write("elsewhere/a.txt", "Notes about tides.");
        var b = _directory.Write("elsewhere/b.md", "# Bread\n\nNotes about bread.");
        Directory.CreateDirectory(_directory.File("links"));
        File.CreateSymbolicLink(_directory.File("links/a.txt"), a);
        File.CreateSymbolicLink(_directory.File("links/b.md"), b);
        await using var pipeline = new TestPipeline(_directory);

        var result = await pipeline.IngestAsync(_directory.File("links"));

        Assert.Equal(2, result.Added);
        Assert.Equal(0, result.Failed);
    }

    [Fact]
    public async Task IngestAsync_LinkRootsSet_FollowsLinksOnlyIntoThemAndReportsTheOthers()
    {
        _directory.Write("root/docs/lighthouse.txt", "The lighthouse keeper climbed the stairs at dusk.");
        var inside = _directory.Write("root/shared/tides.txt", "Spring tides follow the new and the full moon.");
        var secret = _directory.Write("outside/secret.txt", "A file no link may lead to.");
        _directory.Write("outside/folder/more.txt", "More text outside the roots.");
        File.CreateSymbolicLink(_directory.File("root/docs/tides.txt"), inside);
        File.CreateSymbolicLink(_directory.File("root/docs/secret.txt"), secret);
        Directory.CreateSymbolicLink(_directory.File("root/docs/folder"), _directory.File("outside/folder"));
        await using var pipeline = new TestPipeline(_directory);

        var result = await pipeline.IngestAsync(new IngestOptions { LinkRoots = [_directory.File("root")] }, _directory.File("root/docs"));

        Assert.Equal(2, result.Added);
        Assert.Equal(0, result.Failed);
        Assert.Equal([_directory.File("root/docs/folder"), _directory.File("root/docs/secret.txt")], result.SkipReasons.Select(s => s.Source).Order(StringComparer.Ordinal));
        Assert.All(result.SkipReasons, s => Assert.Contains("outside the folders links may lead into", s.Reason, StringComparison.Ordinal));
        var hits = await pipeline.Pipeline.SearchAsync("secret outside roots", new SearchOptions { Mode = SearchMode.Keyword, TopK = 3 });
        Assert.Empty(hits);
    }

    public void Dispose() => _directory.Dispose();
}
