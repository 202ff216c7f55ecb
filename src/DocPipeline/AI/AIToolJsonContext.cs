using System.Text.Json.Serialization;

namespace DocPipeline.AI;

/// <summary>The JSON the AI tools answer with: the same names as the <c>docpipe</c> tool's output.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AIToolSearchResult))]
[JsonSerializable(typeof(AIToolDocumentChunks))]
[JsonSerializable(typeof(AIToolIngestResult))]
[JsonSerializable(typeof(AIToolError))]
internal sealed partial class AIToolJsonContext : JsonSerializerContext;

internal sealed record AIToolSearchResult(IReadOnlyList<AIToolSearchHit> Hits);

internal sealed record AIToolSearchHit(
    [property: JsonPropertyName("doc_id")] string DocumentId, string Source, int? Page, string Text, double Score);

internal sealed record AIToolDocumentChunks(
    [property: JsonPropertyName("doc_id")] string DocumentId, string Source, int Version, IReadOnlyList<AIToolChunk> Chunks, string? Next);

internal sealed record AIToolChunk(string ChunkId, int Ordinal, int? Page, string Text);

internal sealed record AIToolIngestResult(
    long Total, long Added, long Updated, long Skipped, long Removed, long Failed, IReadOnlyList<AIToolIngestFailure> Failures);

internal sealed record AIToolIngestFailure(string Source, string Error);

internal sealed record AIToolError(string Error);
