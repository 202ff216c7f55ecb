using System.Security.Cryptography;
using System.Text;
using DocPipeline.Configuration;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Indexing.Vector;
using DocPipeline.Registry;
using DocPipeline.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace DocPipeline.Benchmarks.Consistency;

/// <summary>
/// A data folder with <c>documents × chunksPerDocument</c> committed chunks in the registry (with their embeddings)
/// and in both indexes, written straight into the stores (no extraction or embedding). Building a million chunks takes
/// minutes, so the folder is kept under the temp folder and reused by later benchmark processes; delete
/// <c>docpipeline-bench/consistency-*</c> there when done.
/// </summary>
internal static class ConsistencyDataSet
{
    public const string Model = "benchmark-model";

    /// <summary>Returns the data folder, building it first if no complete one is there.</summary>
    public static async Task<string> EnsureAsync(int documents, int chunksPerDocument, int dimensions)
    {
        var folder = Path.Combine(Path.GetTempPath(), "docpipeline-bench", $"consistency-{documents}x{chunksPerDocument}x{dimensions}-v1");
        var done = Path.Combine(folder, "complete");
        if (File.Exists(done))
        {
            return folder;
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        var time = TimeProvider.System;
        var options = new DocPipelineOptions { DataDirectory = folder };
        options.VectorIndex.InitialCapacity = documents * chunksPerDocument;
        var model = $"{Model}:{dimensions}";
        using (var database = SqliteDatabase.Open(Path.Combine(folder, "registry.db"), "document registry", SqliteDocumentRegistry.Schema))
        {
            var registry = new SqliteDocumentRegistry(database, time);
            await registry.SetSettingAsync(RegistrySettings.Embedder, model);
            await using var vectors = new EmbeddedVectorIndex(Path.Combine(folder, "vectors"), options.VectorIndex, time, NullLogger.Instance);
            using var keyword = new LuceneKeywordIndex(new LuceneKeywordIndexSettings(Path.Combine(folder, "keyword"), TimeSpan.FromSeconds(1), 256), time);
            var random = new Random(7);
            const int batchDocuments = 1000;
            for (var first = 0; first < documents; first += batchDocuments)
            {
                var ids = new List<string>();
                var vectorRecords = new List<VectorRecord>();
                var keywordRecords = new List<KeywordRecord>();
                var staging = new List<Task>();
                for (var d = first; d < Math.Min(documents, first + batchDocuments); d++)
                {
                    var id = $"document-{d:D6}.md-{d * 7919 % 1_000_003:x10}";
                    var metadata = new Dictionary<string, string>
                    {
                        ["source"] = $"/data/corpus/folder-{d % 100}/document-{d:D6}.md",
                        ["title"] = $"Document {d}",
                        ["media_type"] = "text/markdown",
                    };
                    var chunks = new List<ChunkRecord>(chunksPerDocument);
                    var embeddings = new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal);
                    for (var c = 0; c < chunksPerDocument; c++)
                    {
                        var text = $"Chunk {c} of document {d}: {Words(random, 60)}";
                        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
                        var vector = new float[dimensions];
                        for (var i = 0; i < dimensions; i++)
                        {
                            vector[i] = (random.NextSingle() * 2f) - 1f;
                        }

                        var chunk = new ChunkRecord { ChunkId = $"{id}#{hash[..16]}", DocumentId = id, Revision = 1, Ordinal = c, Text = text, TextHash = hash, Metadata = metadata };
                        chunks.Add(chunk);
                        embeddings[hash] = vector;
                        vectorRecords.Add(new VectorRecord { ChunkId = chunk.ChunkId, DocumentId = id, Version = 1, Vector = vector, Metadata = metadata });
                        keywordRecords.Add(new KeywordRecord { ChunkId = chunk.ChunkId, DocumentId = id, Version = 1, Text = text, Metadata = metadata });
                    }

                    ids.Add(id);
                    staging.Add(registry.StageAsync(new StagedVersion
                    {
                        DocumentId = id,
                        Source = metadata["source"],
                        Version = 1,
                        ContentHash = d.ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
                        Chunks = chunks,
                        EmbeddingModel = model,
                        NewEmbeddings = embeddings,
                    }));
                }

                await Task.WhenAll(staging);
                await Task.WhenAll(vectors.UpsertAsync(vectorRecords), keyword.UpsertAsync(keywordRecords));
                await Task.WhenAll(ids.Select(id => registry.SetIndexVersionsAsync(id, ["vector", "keyword"], 1)));
                await Task.WhenAll(ids.Select(id => registry.CommitAsync(id, 1)));
            }
        }

        await File.WriteAllTextAsync(done, DateTime.UtcNow.ToString("O"));
        return folder;
    }

    private static string Words(Random random, int count)
    {
        string[] vocabulary = ["river", "stone", "lamp", "harbour", "glacier", "orbit", "bread", "starter", "tide", "violin", "press", "tea", "map", "bee", "compost"];
        return string.Join(' ', Enumerable.Range(0, count).Select(_ => vocabulary[random.Next(vocabulary.Length)] + random.Next(500)));
    }
}
