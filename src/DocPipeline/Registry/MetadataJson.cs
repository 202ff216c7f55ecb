using System.Text.Json;

namespace DocPipeline.Registry;

/// <summary>
/// Serializes string metadata the same way in every store: a JSON object with keys in ordinal order, so equal metadata
/// gives equal text (stores and indexes compare and hash it as text). A third-party registry or index uses it to keep
/// metadata in the same form as the built-in stores.
/// </summary>
public static class MetadataJson
{
    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Writes metadata as a JSON object with its keys in ordinal order.</summary>
    /// <param name="metadata">The metadata, or <see langword="null"/>.</param>
    /// <returns>The JSON text; <c>{}</c> for no metadata.</returns>
    public static string Serialize(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || metadata.Count == 0)
        {
            return "{}";
        }

        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata)
        {
            sorted[key] = value;
        }

        return JsonSerializer.Serialize(sorted, MetadataJsonContext.Default.SortedDictionaryStringString);
    }

    /// <summary>Reads metadata written by <see cref="Serialize"/>.</summary>
    /// <param name="json">The JSON text, or <see langword="null"/>.</param>
    /// <returns>The metadata; empty for no text.</returns>
    /// <exception cref="System.Text.Json.JsonException">The text is not a JSON object of strings.</exception>
    public static IReadOnlyDictionary<string, string> Deserialize(string? json)
    {
        if (string.IsNullOrEmpty(json) || json == "{}")
        {
            return Empty;
        }

        return JsonSerializer.Deserialize(json, MetadataJsonContext.Default.DictionaryStringString) ?? Empty;
    }

    /// <summary>Writes which version of a document each index holds, as a JSON object with its keys in ordinal order.</summary>
    /// <param name="versions">The version per index name.</param>
    /// <returns>The JSON text.</returns>
    public static string SerializeVersions(IReadOnlyDictionary<string, int> versions) =>
        JsonSerializer.Serialize(new SortedDictionary<string, int>(versions.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), StringComparer.Ordinal), MetadataJsonContext.Default.SortedDictionaryStringInt32);

    /// <summary>Reads index versions written by <see cref="SerializeVersions"/>.</summary>
    /// <param name="json">The JSON text, or <see langword="null"/>.</param>
    /// <returns>The version per index name; empty for no text.</returns>
    /// <exception cref="System.Text.Json.JsonException">The text is not a JSON object of integers.</exception>
    public static IReadOnlyDictionary<string, int> DeserializeVersions(string? json) =>
        string.IsNullOrEmpty(json) ? new Dictionary<string, int>(StringComparer.Ordinal)
            : JsonSerializer.Deserialize(json, MetadataJsonContext.Default.DictionaryStringInt32) ?? new Dictionary<string, int>(StringComparer.Ordinal);
}
