using System.Text.Json.Serialization;

namespace DocPipeline.Jobs;

/// <summary>The source-generated JSON of <see cref="WorkerHeartbeat"/> (snake_case, as docpipe prints it).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WorkerHeartbeat))]
internal sealed partial class WorkerHeartbeatJsonContext : JsonSerializerContext;
