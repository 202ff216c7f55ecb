namespace DocPipeline.Indexing.Vector;

/// <summary>
/// An upsert batch after validation: the last record of each chunk id (earlier ones in the same batch are
/// superseded), with its vector scaled to unit length. <see cref="Create"/> puts a batch's vectors in one contiguous
/// array; <see cref="Combine"/> refers to the vectors of the batches it joins instead of copying them.
/// </summary>
internal sealed class NormalizedVectorBatch
{
    private readonly float[]? _values;
    private readonly ReadOnlyMemory<float>[]? _vectors;

    private NormalizedVectorBatch(int dimensions, VectorRecord[] records, float[] values)
    {
        Dimensions = dimensions;
        Records = records;
        _values = values;
    }

    private NormalizedVectorBatch(int dimensions, VectorRecord[] records, ReadOnlyMemory<float>[] vectors)
    {
        Dimensions = dimensions;
        Records = records;
        _vectors = vectors;
    }

    /// <summary>Gets the length of every vector in the batch.</summary>
    public int Dimensions { get; }

    /// <summary>Gets the records, one per chunk id, in the order of their last occurrence.</summary>
    public IReadOnlyList<VectorRecord> Records { get; }

    /// <summary>Gets the number of records.</summary>
    public int Count => Records.Count;

    /// <summary>Gets the unit-length vector of record <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Vector(int index) => _values is { } values ? values.AsSpan(index * Dimensions, Dimensions) : _vectors![index].Span;

    /// <summary>Gets the unit-length vector of record <paramref name="index"/> as memory that outlives the call.</summary>
    private ReadOnlyMemory<float> VectorMemory(int index) => _values is { } values ? values.AsMemory(index * Dimensions, Dimensions) : _vectors![index];

    /// <summary>
    /// Validates every record before anything is written, so a bad record fails the whole batch and changes nothing.
    /// </summary>
    /// <param name="records">The records as given.</param>
    /// <param name="dimensions">The index's dimensions, or <see langword="null"/> while it holds none (the batch then fixes them).</param>
    /// <exception cref="ArgumentException">A record is null, lacks an id, or has a vector that is empty, not finite, all zeros, or of other dimensions.</exception>
    public static NormalizedVectorBatch Create(IReadOnlyList<VectorRecord> records, int? dimensions)
    {
        ArgumentNullException.ThrowIfNull(records);
        var last = new Dictionary<string, int>(records.Count, StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new ArgumentException($"records[{i}] is null.", nameof(records));
            if (string.IsNullOrEmpty(record.ChunkId))
            {
                throw new ArgumentException($"records[{i}] has no chunk id.", nameof(records));
            }

            if (string.IsNullOrEmpty(record.DocumentId))
            {
                throw new ArgumentException($"records[{i}] (chunk '{record.ChunkId}') has no document id.", nameof(records));
            }

            last[record.ChunkId] = i;
        }

        var kept = new VectorRecord[last.Count];
        var count = 0;
        for (var i = 0; i < records.Count; i++)
        {
            if (last[records[i].ChunkId] == i)
            {
                kept[count++] = records[i];
            }
        }

        var width = dimensions ?? (kept.Length > 0 ? kept[0].Vector.Length : 0);
        if (width > VectorNormalization.MaxDimensions)
        {
            throw new ArgumentException(
                $"The vector of chunk '{kept[0].ChunkId}' has {width} dimensions; at most {VectorNormalization.MaxDimensions} are supported.", nameof(records));
        }

        var origin = dimensions is null
            ? $"fixed by the first vector of this batch, chunk '{(kept.Length > 0 ? kept[0].ChunkId : string.Empty)}'"
            : "fixed by its first upsert";
        var values = new float[kept.Length * width];
        for (var i = 0; i < kept.Length; i++)
        {
            var record = kept[i];
            if (record.Vector.Length != width)
            {
                throw VectorNormalization.DimensionMismatch(Describe(record), record.Vector.Length, width, origin, nameof(records));
            }

            VectorNormalization.Normalize(record.Vector.Span, values.AsSpan(i * width, width), record, Describe, nameof(records));
        }

        return new NormalizedVectorBatch(width, kept, values);
    }

    /// <summary>
    /// Joins validated batches of the same dimensions into one, as if their records had been given in order in one
    /// call: a chunk id that occurs in several batches keeps its last record.
    /// </summary>
    /// <param name="batches">The batches, in arrival order; at least one.</param>
    /// <exception cref="ArgumentException">The batches have different dimensions.</exception>
    public static NormalizedVectorBatch Combine(IReadOnlyList<NormalizedVectorBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentOutOfRangeException.ThrowIfZero(batches.Count);
        if (batches.Count == 1)
        {
            return batches[0];
        }

        var width = batches[0].Dimensions;
        var last = new Dictionary<string, (int Batch, int Index)>(StringComparer.Ordinal);
        for (var b = 0; b < batches.Count; b++)
        {
            if (batches[b].Dimensions != width)
            {
                throw new ArgumentException($"Cannot combine batches of {width} and {batches[b].Dimensions} dimensions.", nameof(batches));
            }

            for (var i = 0; i < batches[b].Count; i++)
            {
                last[batches[b].Records[i].ChunkId] = (b, i);
            }
        }

        // The joined batch refers to the vectors of its parts: copying them again into one array cost a large-object
        // allocation (and its share of gen2 collections) per commit of the vector index.
        var records = new VectorRecord[last.Count];
        var vectors = new ReadOnlyMemory<float>[last.Count];
        var count = 0;
        for (var b = 0; b < batches.Count; b++)
        {
            var batch = batches[b];
            for (var i = 0; i < batch.Count; i++)
            {
                if (last[batch.Records[i].ChunkId] == (b, i))
                {
                    vectors[count] = batch.VectorMemory(i);
                    records[count++] = batch.Records[i];
                }
            }
        }

        return new NormalizedVectorBatch(width, records, vectors);
    }

    /// <summary>How errors name the vector of <paramref name="record"/>; built only for an error.</summary>
    private static string Describe(VectorRecord record) => $"the vector of chunk '{record.ChunkId}'";
}
