using System.Text.Json;

namespace DocPipeline.Registry;

/// <summary>Serializes string metadata the same way in every store (ordinal key order, so equal metadata gives equal text).</summary>
internal static class MetadataJson
{
    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>(StringComparer.Ordinal);

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

    public static IReadOnlyDictionary<string, string> Deserialize(string? json)
    {
        if (string.IsNullOrEmpty(json) || json == "{}")
        {
            return Empty;
        }

        return JsonSerializer.Deserialize(json, MetadataJsonContext.Default.DictionaryStringString) ?? Empty;
    }

    public static string SerializeVersions(IReadOnlyDictionary<string, int> versions) =>
        JsonSerializer.Serialize(new SortedDictionary<string, int>(versions.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), StringComparer.Ordinal), MetadataJsonContext.Default.SortedDictionaryStringInt32);

    public static IReadOnlyDictionary<string, int> DeserializeVersions(string? json) =>
        string.IsNullOrEmpty(json) ? new Dictionary<string, int>(StringComparer.Ordinal)
            : JsonSerializer.Deserialize(json, MetadataJsonContext.Default.DictionaryStringInt32) ?? new Dictionary<string, int>(StringComparer.Ordinal);
}
