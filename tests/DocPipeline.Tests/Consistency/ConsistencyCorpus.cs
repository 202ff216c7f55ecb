using DocPipeline.Indexing;
using DocPipeline.Ingestion;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Extraction;
using DocPipeline.Tests.Ingestion;

namespace DocPipeline.Tests.Consistency;

/// <summary>Shared steps of the consistency tests: the sample corpus copied into the test folder, and ways to look at and damage the stores.</summary>
internal static class ConsistencyCorpus
{
    public static readonly string[] Queries = ["lighthouse lamp", "sourdough starter", "glacier ice", "honeybee queen", "orbit satellite"];

    /// <summary>Copies the sample corpus to <c>docs/</c> in the test folder and returns that folder.</summary>
    public static string Copy(TestDirectory directory, string folder = "docs")
    {
        var target = directory.File(folder);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.CorpusDirectory))
        {
            if (Path.GetFileName(file) != "README.md")
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }

        return target;
    }

    /// <summary>A pipeline over the copied corpus, ingested.</summary>
    public static async Task<TestPipeline> IngestedAsync(TestDirectory directory, Action<DocPipeline.Configuration.DocPipelineOptions>? options = null)
    {
        var docs = Copy(directory);
        var pipeline = new TestPipeline(directory, options: options);
        var result = await pipeline.IngestAsync(docs);
        Assert.Equal(0, result.Failed);
        Assert.True(result.Added >= 10);
        return pipeline;
    }

    /// <summary>The committed chunks of a document, in order.</summary>
    public static async Task<IReadOnlyList<ChunkRecord>> ChunksAsync(TestPipeline pipeline, string documentId)
    {
        var registry = pipeline.Get<IDocumentRegistry>();
        var document = await registry.GetAsync(documentId);
        return await registry.GetChunksAsync(documentId, document!.Version);
    }

    /// <summary>The id of the document built from <c>docs/&lt;name&gt;</c>.</summary>
    public static string DocumentId(TestDirectory directory, string name, string folder = "docs") => DocumentIds.FromSource(directory.File(Path.Combine(folder, name)));

    /// <summary>Every entry of an index, by chunk id.</summary>
    public static async Task<Dictionary<string, IndexEntry>> EntriesAsync(ISearchIndex index)
    {
        var entries = new Dictionary<string, IndexEntry>(StringComparer.Ordinal);
        await foreach (var entry in index.ListEntriesAsync())
        {
            entries[entry.ChunkId] = entry;
        }

        return entries;
    }

    /// <summary>
    /// What each query of <see cref="Queries"/> finds, vector and keyword. Every hit is listed with its score, and hits
    /// of equal score are sorted by chunk id: Lucene breaks ties by insertion order, which a rebuild changes without
    /// changing what matches. See <see cref="SearchComparison"/> for the other levels.
    /// </summary>
    public static async Task<List<string>> SearchAllAsync(IDocPipeline pipeline, SearchComparison comparison = SearchComparison.Scores)
    {
        var results = new List<string>();
        foreach (var mode in (DocPipeline.Search.SearchMode[])[DocPipeline.Search.SearchMode.Keyword, DocPipeline.Search.SearchMode.Vector])
        {
            foreach (var query in Queries)
            {
                var hits = await pipeline.SearchAsync(query, new DocPipeline.Search.SearchOptions { Mode = mode, TopK = 1000 });
                var withScores = comparison != SearchComparison.Matches || mode == DocPipeline.Search.SearchMode.Vector;
                results.Add($"{mode} {query}: " + string.Join(", ", hits
                    .Select(h => (h.ChunkId, Score: withScores ? Math.Round(h.Score, 5) : 0))
                    .OrderByDescending(h => h.Score)
                    .ThenBy(h => h.ChunkId, StringComparer.Ordinal)
                    .Select(h => $"{h.ChunkId} {h.Score}")));
            }
        }

        return results;
    }
}
