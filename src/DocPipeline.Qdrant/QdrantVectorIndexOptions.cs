using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Qdrant;

/// <summary>
/// Options of the Qdrant vector index (<c>DocPipeline:Qdrant</c>): where the server is, which collection holds the
/// chunk vectors, how the collection is created, and how calls are timed out and retried. Validated when the host
/// starts; every error names its key.
/// </summary>
public sealed class QdrantVectorIndexOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "DocPipeline:Qdrant";

    /// <summary>
    /// Gets or sets the gRPC endpoint of the Qdrant server, for example <c>http://qdrant.internal:6334</c>. An
    /// <c>https</c> address uses TLS.
    /// </summary>
    /// <value>The default value is <c>http://localhost:6334</c>.</value>
    [Required]
    public Uri? Endpoint { get; set; } = new("http://localhost:6334");

    /// <summary>Gets or sets the API key sent with every call (the server's <c>service.api_key</c>).</summary>
    /// <value>The default value is <see langword="null"/>: no key.</value>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets the SHA-256 thumbprint of the server's TLS certificate, to trust a self-signed certificate over an
    /// <c>https</c> endpoint.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the certificate is checked against the machine's trusted roots.</value>
    public string? CertificateThumbprint { get; set; }

    /// <summary>
    /// Gets or sets the collection that holds the chunk vectors. Deployments that share one server keep apart by using
    /// different collections.
    /// </summary>
    /// <value>The default value is <c>docpipeline_chunks</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,255}$", ErrorMessage = "must be 1 to 255 letters, digits, '_' or '-'")]
    public string CollectionName { get; set; } = "docpipeline_chunks";

    /// <summary>
    /// Gets or sets the number of dimensions of the embedder's vectors. When set, the collection is created with it at
    /// startup, and an existing collection of another size is refused. When not set, the collection takes the size of
    /// the first vectors written.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [Range(1, 65_536)]
    public int? VectorSize { get; set; }

    /// <summary>Gets or sets where the collection keeps its vectors and its HNSW graph (Qdrant's <c>memory</c> setting).</summary>
    /// <value>The default value is <see cref="QdrantMemory.Default"/>: the server's default.</value>
    [EnumDataType(typeof(QdrantMemory))]
    public QdrantMemory Memory { get; set; }

    /// <summary>Gets or sets the HNSW graph's number of edges per node (<c>m</c>) of a collection this index creates.</summary>
    /// <value>The default value is <see langword="null"/>: the server's default (16).</value>
    [Range(4, 128)]
    public int? HnswM { get; set; }

    /// <summary>Gets or sets the HNSW graph's candidate list size while it is built (<c>ef_construct</c>).</summary>
    /// <value>The default value is <see langword="null"/>: the server's default (100).</value>
    [Range(4, 10_000)]
    public int? HnswEfConstruct { get; set; }

    /// <summary>Gets or sets the most points sent in one upsert request; a larger write is split into batches of this size.</summary>
    /// <value>The default value is 256.</value>
    [Range(1, 10_000)]
    public int UpsertBatchSize { get; set; } = 256;

    /// <summary>Gets or sets how long one call may take before it is abandoned (the gRPC deadline).</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how many times a call that failed transiently (server unavailable, deadline exceeded, resource
    /// exhausted, aborted) is tried again, with exponential backoff and jitter, before the operation fails.
    /// </summary>
    /// <value>The default value is 3.</value>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the delay before the first retry; each later retry waits about twice as long.</summary>
    /// <value>The default value is 200 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);
}
