using System.Text.Json;
using System.Text.Json.Serialization;
using DocPipeline.Registry;

namespace DocPipeline.Migration;

/// <summary>
/// The durable state of an embedder migration, kept as one JSON value in the registry settings
/// (<see cref="SettingKey"/>): which embedder and vector generation the migration comes from and goes to, how far the
/// build got (the cursor: the last document id done, in ordinal order), and what happened since.
/// </summary>
/// <remarks>
/// Which generation serves is never stored on its own: it is the generation of the embedder the registry records
/// (<see cref="RegistrySettings.Embedder"/>), so the switch and the rollback are each one atomic settings write.
/// </remarks>
internal sealed record EmbedderMigrationRecord
{
    /// <summary>The registry setting that holds the record.</summary>
    public const string SettingKey = RegistrySettings.EmbedderMigration;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public EmbedderMigrationState State { get; init; }

    public required string SourceEmbedder { get; init; }

    public string? SourceGeneration { get; init; }

    public required string TargetEmbedder { get; init; }

    public required string TargetGeneration { get; init; }

    /// <summary>Gets whether the generation that does not serve still exists (false once cleaned up).</summary>
    public bool OtherGenerationKept { get; init; } = true;

    /// <summary>Gets the last document id whose chunks are in the target generation (ordinal order), or null before the first.</summary>
    public string? Cursor { get; init; }

    public long DocumentsDone { get; init; }

    public long ChunksDone { get; init; }

    public long ChunksEmbedded { get; init; }

    public long ChunksTotal { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets when the build (this run of it) started counting, for the rate behind the ETA.</summary>
    public DateTimeOffset RateSince { get; init; }

    public long ChunksAtRateSince { get; init; }

    public DateTimeOffset? SwitchedAt { get; init; }

    /// <summary>Gets the generation that serves when the registry records <paramref name="embedder"/>, when the record knows one.</summary>
    /// <param name="embedder">An embedder key (<c>model id:dimensions</c>).</param>
    /// <param name="generation">The generation (null: the original one).</param>
    public bool TryGetGeneration(string? embedder, out string? generation)
    {
        var servingIsTarget = State is EmbedderMigrationState.Switched;
        if (string.Equals(embedder, TargetEmbedder, StringComparison.Ordinal) && (OtherGenerationKept || servingIsTarget))
        {
            generation = TargetGeneration;
            return true;
        }

        if (string.Equals(embedder, SourceEmbedder, StringComparison.Ordinal) && (OtherGenerationKept || !servingIsTarget))
        {
            generation = SourceGeneration;
            return true;
        }

        generation = null;
        return false;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static EmbedderMigrationRecord? FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<EmbedderMigrationRecord>(json, Json);

    public static async Task<EmbedderMigrationRecord?> ReadAsync(ISettingsStore settings, CancellationToken cancellationToken) =>
        FromJson(await settings.GetSettingAsync(SettingKey, cancellationToken).ConfigureAwait(false));

    public Task WriteAsync(ISettingsStore settings, CancellationToken cancellationToken) =>
        settings.SetSettingAsync(SettingKey, ToJson(), cancellationToken);
}
