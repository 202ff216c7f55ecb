using System.Text.Json;

namespace DocPipeline.Ingestion;

/// <summary>What the discovery step tells the job that processes a source (stored as the job's payload).</summary>
internal sealed record IngestionPayload
{
    /// <summary>Gets the run generation that created the job (for stale-source cleanup).</summary>
    public long Generation { get; init; }

    /// <summary>Gets a value indicating whether the document is rewritten even when its content is unchanged.</summary>
    public bool Force { get; init; }

    /// <summary>Gets the fingerprint the discovery step took of the source (recorded once the document is committed).</summary>
    public DocPipeline.Fingerprints.SourceFingerprint? Fingerprint { get; init; }

    /// <summary>Gets the metadata the run attaches to the document.</summary>
    public Dictionary<string, string>? Metadata { get; init; }

    public string Serialize() => JsonSerializer.Serialize(this, IngestionJsonContext.Default.IngestionPayload);

    public static IngestionPayload Parse(string? json) =>
        string.IsNullOrEmpty(json) ? new IngestionPayload() : JsonSerializer.Deserialize(json, IngestionJsonContext.Default.IngestionPayload) ?? new IngestionPayload();
}
