using DocPipeline.Indexing;

namespace DocPipeline.Specification.Tests.Indexing;

/// <summary>Records, random vectors and a reference cosine for vector index tests.</summary>
public static class VectorTestData
{
    public static VectorRecord Record(string chunkId, string documentId, float[] vector, int version = 1, IReadOnlyDictionary<string, string>? metadata = null) =>
        new() { ChunkId = chunkId, DocumentId = documentId, Version = version, Vector = vector, Metadata = metadata };

    /// <summary>A vector of uniform values in [-1, 1).</summary>
    public static float[] RandomVector(Random random, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(random);
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (random.NextSingle() * 2f) - 1f;
        }

        return vector;
    }

    /// <summary>The vector of one (chunk, version) pair: the same pair always gives the same vector.</summary>
    public static float[] VersionedVector(int chunk, int version, int dimensions) =>
        RandomVector(new Random((chunk * 1000) + version), dimensions);

    /// <summary>The cosine similarity, computed in double precision as the reference.</summary>
    public static double Cosine(float[] a, float[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        double dot = 0, normA = 0, normB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            normA += (double)a[i] * a[i];
            normB += (double)b[i] * b[i];
        }

        return dot / (Math.Sqrt(normA) * Math.Sqrt(normB));
    }

    /// <summary>The scores of the <paramref name="k"/> best vectors for <paramref name="query"/>, best first, by brute force.</summary>
    public static List<double> TopScores(float[] query, IEnumerable<float[]> vectors, int k) =>
        vectors.Select(vector => Cosine(query, vector)).OrderByDescending(score => score).Take(k).ToList();

    public static async Task<List<IndexEntry>> ListAsync(ISearchIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var entries = new List<IndexEntry>();
        await foreach (var entry in index.ListEntriesAsync())
        {
            entries.Add(entry);
        }

        return entries;
    }
}
