using System.Text.Json;

namespace DocPipeline.Ingestion;

/// <summary>The checkpoint of an ingestion job: the version it staged, so a resumed attempt publishes it instead of starting over.</summary>
/// <param name="StagedVersion">The version staged in the registry.</param>
/// <param name="ContentHash">The content hash of that version.</param>
internal sealed record IngestionCheckpoint(int StagedVersion, string ContentHash)
{
    public string Serialize() => JsonSerializer.Serialize(this, IngestionJsonContext.Default.IngestionCheckpoint);

    public static IngestionCheckpoint? Parse(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, IngestionJsonContext.Default.IngestionCheckpoint);
}
