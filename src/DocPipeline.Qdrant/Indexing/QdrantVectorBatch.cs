using System.Globalization;
using DocPipeline.Indexing;

namespace DocPipeline.Qdrant.Indexing;

/// <summary>
/// A write checked before anything is sent (so a bad vector writes nothing of it): the last record of each chunk id,
/// every vector of one size and with a direction (finite, not all zeros). The messages name the chunk and both sizes,
/// as the embedded index's do.
/// </summary>
internal static class QdrantVectorBatch
{
    /// <summary>The records to write, one per chunk id (the last wins), and their vector size.</summary>
    public static (List<VectorRecord> Records, int Dimensions) Check(IReadOnlyList<VectorRecord> records, int? dimensions)
    {
        var last = new Dictionary<string, VectorRecord>(records.Count, StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (record is null || string.IsNullOrEmpty(record.ChunkId) || string.IsNullOrEmpty(record.DocumentId))
            {
                throw new ArgumentException("Every record needs a chunk id and a document id.", nameof(records));
            }

            last[record.ChunkId] = record;
        }

        var kept = last.Values.ToList();
        var width = dimensions ?? (kept.Count > 0 ? kept[0].Vector.Length : 0);
        var origin = dimensions is null ? $"fixed by the first vector of this batch, chunk '{kept.FirstOrDefault()?.ChunkId}'" : "fixed by the collection";
        foreach (var record in kept)
        {
            var what = $"The vector of chunk '{record.ChunkId}'";
            if (record.Vector.Length != width)
            {
                throw Mismatch(what, record.Vector.Length, width, origin, nameof(records));
            }

            CheckDirection(record.Vector.Span, what, nameof(records));
        }

        return (kept, width);
    }

    /// <summary>Checks a query vector against the collection's size and for a direction.</summary>
    public static void CheckQuery(ReadOnlySpan<float> query, int dimensions)
    {
        if (query.Length != dimensions)
        {
            throw Mismatch("The query vector", query.Length, dimensions, "fixed by the collection", nameof(query));
        }

        CheckDirection(query, "The query vector", nameof(query));
    }

    private static void CheckDirection(ReadOnlySpan<float> vector, string what, string parameter)
    {
        if (vector.IsEmpty)
        {
            throw new ArgumentException($"{what} is empty; a vector needs at least one dimension.", parameter);
        }

        var zeros = true;
        foreach (var value in vector)
        {
            if (float.IsNaN(value))
            {
                throw new ArgumentException($"{what} contains NaN; an embedding must be finite.", parameter);
            }

            if (float.IsInfinity(value))
            {
                throw new ArgumentException($"{what} contains infinity; an embedding must be finite.", parameter);
            }

            zeros &= value == 0f;
        }

        if (zeros)
        {
            throw new ArgumentException($"{what} is all zeros; it has no direction, so no cosine similarity can be computed with it.", parameter);
        }
    }

    private static ArgumentException Mismatch(string what, int length, int dimensions, string origin, string parameter) =>
        new(
            string.Create(CultureInfo.InvariantCulture, $"{what} has {length} dimensions, but the vector index holds vectors of {dimensions} dimensions ({origin}). Every vector of one index must come from the same embedding model; clear the index to change models."),
            parameter);
}
