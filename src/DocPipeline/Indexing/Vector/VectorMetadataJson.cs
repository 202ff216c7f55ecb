using System.Text.Json;

namespace DocPipeline.Indexing.Vector;

/// <summary>Stores entry metadata as a flat JSON object of strings (written by hand: no reflection, trimming-safe).</summary>
internal static class VectorMetadataJson
{
    /// <summary>Returns the JSON of <paramref name="metadata"/>, or <see langword="null"/> for no metadata.</summary>
    public static string? Serialize(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is null ? null : FlatJson.Write(metadata);

    /// <summary>Reads what <see cref="Serialize"/> wrote.</summary>
    public static IReadOnlyDictionary<string, string>? Deserialize(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            metadata[property.Name] = property.Value.GetString() ?? string.Empty;
        }

        return metadata;
    }
}
