using System.Text.Json.Serialization;

namespace DocPipeline.Storage;

/// <summary>Source-generated JSON for the owner file of the data folder's writer lock.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WriterOwner))]
internal sealed partial class WriterOwnerJsonContext : JsonSerializerContext;
