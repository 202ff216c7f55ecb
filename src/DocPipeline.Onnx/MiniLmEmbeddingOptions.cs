namespace DocPipeline.Onnx;

/// <summary>Options of the local all-MiniLM-L6-v2 embedding generator.</summary>
public sealed class MiniLmEmbeddingOptions
{
    /// <summary>The smallest allowed <see cref="BatchSize"/>.</summary>
    public const int MinBatchSize = 1;

    /// <summary>The largest allowed <see cref="BatchSize"/>.</summary>
    public const int MaxBatchSize = 1024;

    /// <summary>
    /// Gets or sets how many texts the model encodes in one run. Inputs of one run are padded to the longest. On a
    /// 2-core machine, runs of 1 to 16 chunks of ~200 word pieces were fastest and 32 or 64 were 2 to 3 times slower
    /// (benchmarks/results/chunking-embedding.md); measure on your hardware before raising it.
    /// </summary>
    /// <value>The default value is 16.</value>
    public int BatchSize { get; set; } = 16;
}
