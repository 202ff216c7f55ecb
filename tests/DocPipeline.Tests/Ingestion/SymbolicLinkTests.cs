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

    public void Dispose() => _directory.Dispose();
}
