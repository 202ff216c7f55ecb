using System.Buffers;
using System.Text;
using System.Text.Json;

namespace DocPipeline.Indexing;

/// <summary>Writes chunk metadata as a flat JSON object of strings (by hand: no reflection, trimming-safe), as both indexes store it.</summary>
internal static class FlatJson
{
    /// <summary>Returns the JSON object of <paramref name="metadata"/>, its entries in enumeration order.</summary>
    /// <param name="metadata">The metadata.</param>
    public static string Write(IReadOnlyDictionary<string, string> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in metadata)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
