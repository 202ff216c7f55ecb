using DocPipeline.Indexing;
using DocPipeline.Jobs;
using DocPipeline.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Cli.Tests;

/// <summary>
/// What a data folder holds, read in-process through the public contracts once every docpipe process has exited:
/// the registry's documents and committed chunks, each index's entries, and the job counts.
/// </summary>
internal sealed record DataFolderContents(
    IReadOnlyList<DocumentRecord> Documents,
    IReadOnlyList<RegistryEntry> RegistryChunks,
    IReadOnlyList<IndexEntry> VectorEntries,
    IReadOnlyList<IndexEntry> KeywordEntries,
    JobStatusCounts Jobs)
{
    public static async Task<DataFolderContents> ReadAsync(string dataFolder)
    {
        var services = new ServiceCollection();
        services.AddDocPipeline(o => o.DataDirectory = dataFolder).UseHashingEmbeddings();
        await using var provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<IDocumentRegistry>();
        var documents = new List<DocumentRecord>();
        while (true)
        {
            var page = await registry.ListAsync(new DocumentQuery { After = documents.LastOrDefault()?.Id, Limit = 500 });
            documents.AddRange(page);
            if (page.Count < 500)
            {
                break;
            }
        }

        return new DataFolderContents(
            documents,
            await registry.StreamEntriesAsync().ToListAsync(),
            await provider.GetRequiredService<IVectorIndex>().ListEntriesAsync().ToListAsync(),
            await provider.GetRequiredService<IKeywordIndex>().ListEntriesAsync().ToListAsync(),
            await provider.GetRequiredService<IJobStore>().GetCountsAsync(null));
    }

    /// <summary>Chunk count per document id.</summary>
    public IReadOnlyDictionary<string, int> ChunksPerDocument =>
        Documents.ToDictionary(d => d.Id, d => d.ChunkCount, StringComparer.Ordinal);

    /// <summary>
    /// Asserts that the folder is consistent: every document committed, and each index holding each committed chunk
    /// exactly once, at the revision the registry records, and nothing else.
    /// </summary>
    public void AssertConsistent()
    {
        Assert.All(Documents, d =>
        {
            Assert.Equal(DocumentStatus.Indexed, d.Status);
            Assert.Null(d.PendingVersion);
        });
        Assert.Equal(Documents.Sum(d => d.ChunkCount), RegistryChunks.Count);
        var expected = RegistryChunks.Select(c => (c.ChunkId, c.DocumentId, c.Revision)).Order().ToList();
        foreach (var (name, entries) in new[] { ("vector", VectorEntries), ("keyword", KeywordEntries) })
        {
            var duplicated = entries.GroupBy(e => e.ChunkId, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(duplicated.Count == 0, $"The {name} index holds {duplicated.Count} chunks more than once, such as {duplicated.FirstOrDefault()}.");
            Assert.Equal(expected, entries.Select(e => (e.ChunkId, e.DocumentId, e.Version)).Order().ToList());
        }
    }
}
