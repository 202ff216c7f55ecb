namespace DocPipeline.Onnx;

/// <summary>Options of the local all-MiniLM-L6-v2 embedding generator.</summary>
public sealed class MiniLmEmbeddingOptions
{
    /// <summary>The smallest allowed <see cref="BatchSize"/>.</summary>
    public const int MinBatchSize = 1;

    /// <summary>The largest allowed <see cref="BatchSize"/>.</summary>
    public const int MaxBatchSize = 1024;

    /// <summary>
    /// Gets or sets how many texts the model encodes in one run. Inputs of one run are padded to the longest, so
    /// larger batches pay off for texts of similar length (chunks), and cost memory and latency.
    /// </summary>
    /// <value>The default value is 32.</value>
    public int BatchSize { get; set; } = 32;
}
