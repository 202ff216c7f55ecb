using System.ComponentModel.DataAnnotations;

namespace DocPipeline.Configuration;

/// <summary>
/// The options of a DocPipeline instance, bound from the configuration section <c>DocPipeline</c> and validated
/// when the host starts (or when the pipeline is first resolved).
/// </summary>
public sealed class DocPipelineOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "DocPipeline";

    /// <summary>Gets or sets the folder under which every embedded default store keeps its files.</summary>
    /// <value>The default value is <c>.docpipeline</c>, relative to the current directory.</value>
    [Required]
    [DataPath]
    public string DataDirectory { get; set; } = ".docpipeline";

    /// <summary>
    /// Gets or sets a value indicating whether the data folder is opened for reading only: searches, listings, statistics and
    /// verification run beside a process that writes the folder, without taking its write locks, and see its last commit.
    /// </summary>
    /// <value>
    /// The default value is <see langword="false"/>. When <see langword="true"/>, the embedded keyword index opens the last
    /// Lucene commit without an <c>IndexWriter</c> and picks up newer commits as they appear, the embedded vector index reads
    /// what its catalog has committed without taking <c>vectors.lock</c>, and every write to an index (so every ingest,
    /// resume, document operation, repair, rebuild or restore) fails with <see cref="InvalidOperationException"/>. The job
    /// store stays writable: cancelling or retrying jobs from a read-only pipeline goes through its own locking.
    /// </value>
    public bool ReadOnly { get; set; }

    /// <summary>Gets the job store and queue options (<c>DocPipeline:Queue</c>).</summary>
    public QueueOptions Queue { get; } = new();

    /// <summary>Gets the content fingerprint options (<c>DocPipeline:Fingerprint</c>).</summary>
    public FingerprintOptions Fingerprint { get; } = new();

    /// <summary>Gets the index consistency, backup and rebuild options (<c>DocPipeline:IndexManagement</c>).</summary>
    public IndexManagementOptions IndexManagement { get; } = new();

    /// <summary>Gets the health check options (<c>DocPipeline:Monitoring</c>).</summary>
    public MonitoringOptions Monitoring { get; } = new();

    /// <summary>Gets the chunker options (<c>DocPipeline:Chunking</c>).</summary>
    public ChunkingOptions Chunking { get; } = new();

    /// <summary>Gets the limits of one document: extracted text, chunks, decompressed bytes (<c>DocPipeline:Limits</c>).</summary>
    public DocumentLimitsOptions Limits { get; } = new();

    /// <summary>Gets the embedding call options (<c>DocPipeline:Embedding</c>).</summary>
    public EmbeddingOptions Embedding { get; } = new();

    /// <summary>Gets the document registry options (<c>DocPipeline:Registry</c>).</summary>
    public RegistryOptions Registry { get; } = new();

    /// <summary>Gets the embedded vector index options (<c>DocPipeline:VectorIndex</c>).</summary>
    public VectorIndexOptions VectorIndex { get; } = new();

    /// <summary>Gets the embedded keyword index options (<c>DocPipeline:KeywordIndex</c>).</summary>
    public KeywordIndexOptions KeywordIndex { get; } = new();

    /// <summary>Resolves a store path: a configured path as given (relative to the current directory), else a file under <see cref="DataDirectory"/>.</summary>
    internal string ResolvePath(string? configured, string defaultName) =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? Path.Combine(DataDirectory, defaultName) : configured);
}
