using System.Text;
using DocPipeline.Chunking;
using DocPipeline.Configuration;
using DocPipeline.Extraction;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Extraction;
using DocPipeline.Tests.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DocPipeline.Tests.Chunking;

/// <summary>
/// The case of issue 22 through the real pipeline (SQLite registry, Lucene, embedded vector index): a large Markdown
/// changelog of long bullet lists, one list item inserted in the middle, and what the run re-embeds.
/// </summary>
public sealed class ChangelogEditLocalityTests : IDisposable
{
    private static readonly string Fixture = Path.Combine(RepositoryPaths.Root, "tests", "DocPipeline.Tests", "Chunking", "Fixtures", "rust-releases.md");

    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task IngestAsync_ListItemInsertedInTheMiddleOfALargeChangelog_ReEmbedsAtMostThreeChunks()
    {
        var lines = File.ReadAllLines(Fixture).ToList();
        var path = WriteChangelog(lines);
        await using var pipeline = new TestPipeline(_directory);
        var first = await pipeline.IngestAsync(path);
        Assert.True(first.ChunksEmbedded > 250, $"only {first.ChunksEmbedded} chunks");

        // Insert items at eight list items spread over the middle half of the file, one run each, as a user edits.
        var items = lines.Select((line, index) => (line, index)).Where(static x => x.line.StartsWith("- ", StringComparison.Ordinal)).Select(static x => x.index).ToList();
        for (var edit = 0; edit < 8; edit++)
        {
            var at = items[(items.Count / 4) + (edit * items.Count / 16)] + 1 + edit;
            lines.Insert(at, $"- Inserted note {edit}: the chunker re-embeds only the chunks around an edit.");
            WriteChangelog(lines);

            var result = await pipeline.IngestAsync(path);

            Assert.Equal(1, result.Updated);
            Assert.InRange(result.ChunksEmbedded, 1, EditLocalityPropertyTests.MaxChangedChunks);
            Assert.True(result.ChunksReused > 250, $"only {result.ChunksReused} chunks reused");
        }
    }

    [Fact]
    public async Task IngestAsync_FolderBuiltByTheEarlierRule_SkipsUnchangedAndRechunksOnTheNextChangeOnly()
    {
        var lines = File.ReadAllLines(Fixture).ToList();
        var path = WriteChangelog(lines);
        var tokenizer = BertUncasedTokenizer.Create();
        var oldChunker = new TokenAwareChunker(tokenizer, new ChunkingOptions(), ChunkBoundaryRule.ContentDefined);
        await using (var old = new TestPipeline(_directory, b => b.Services.Replace(ServiceDescriptor.Singleton<IChunker>(oldChunker))))
        {
            Assert.Equal(1, (await old.IngestAsync(path)).Added);
        }

        // The same folder with today's chunker: an unchanged document keeps its chunks, nothing is refused or embedded.
        await using var pipeline = new TestPipeline(_directory);
        var unchanged = await pipeline.IngestAsync(path);
        Assert.Equal(1, unchanged.Skipped);
        Assert.Equal(0, unchanged.ChunksEmbedded);

        // Its next change cuts it by today's rule: the chunks whose text the old rule did not give are embedded, once.
        var oldTexts = Chunks(oldChunker, lines);
        lines.Insert(lines.FindIndex(static line => line.StartsWith("- ", StringComparison.Ordinal)) + 1, "- Inserted note: the first change after the chunker changed.");
        WriteChangelog(lines);
        var newChunks = Chunks(new TokenAwareChunker(tokenizer, new ChunkingOptions()), lines);
        var expected = newChunks.Distinct(StringComparer.Ordinal).Count(text => !oldTexts.Contains(text));
        var rechunked = await pipeline.IngestAsync(path);
        Assert.Equal(1, rechunked.Updated);
        Assert.Equal(expected, rechunked.ChunksEmbedded);
        Assert.True(expected > 10, $"the rules differ on only {expected} chunks");

        // From then on, an edit re-embeds only the chunks around it.
        lines.Insert(lines.Count / 2, "- Inserted note: a later change.");
        WriteChangelog(lines);
        var next = await pipeline.IngestAsync(path);
        Assert.InRange(next.ChunksEmbedded, 1, EditLocalityPropertyTests.MaxChangedChunks);
    }

    public void Dispose() => _directory.Dispose();

    private static HashSet<string> Chunks(TokenAwareChunker chunker, List<string> lines)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        var document = EditLocalityPropertyTests.Extract(new MarkdownExtractor(), KnownMediaTypes.Markdown, bytes);
        return chunker.Chunk(document).Select(static chunk => chunk.Text).ToHashSet(StringComparer.Ordinal);
    }

    private string WriteChangelog(List<string> lines)
    {
        var path = _directory.File("docs/RELEASES.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }
}
