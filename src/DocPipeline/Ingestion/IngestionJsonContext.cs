using System.Text.Json.Serialization;

namespace DocPipeline.Ingestion;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IngestionPayload))]
[JsonSerializable(typeof(IngestionCheckpoint))]
[JsonSerializable(typeof(JobOutcome))]
internal sealed partial class IngestionJsonContext : JsonSerializerContext;
