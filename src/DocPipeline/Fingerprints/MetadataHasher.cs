using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DocPipeline.Fingerprints;

/// <summary>
/// Hashes a metadata dictionary as SHA-256 over its canonical JSON, so that equal metadata always gives the same hash
/// whatever the dictionary order, the value types' culture or the machine.
/// </summary>
/// <remarks>
/// Canonical form: object keys sorted ordinally at every level; excluded (volatile) keys dropped wherever they
/// appear; list order kept; integers as integers, <see cref="double"/> and <see cref="float"/> in their shortest
/// round-trip form (<c>-0</c> as <c>0</c>, NaN and infinities as strings), <see cref="decimal"/> without trailing
/// zeros; instants as UTC ISO-8601 with seven fractional digits; GUIDs lower-case; enums by name; bytes as base64.
/// A value of any other type is refused with an error naming its key, rather than hashed through an unstable
/// <c>ToString()</c>.
/// </remarks>
internal sealed class MetadataHasher
{
    private const int MaxDepth = 64;
    private const string InstantFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private const string LocalDateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff";
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly HashSet<string> _excludedKeys;

    /// <summary>Initializes a new instance of the <see cref="MetadataHasher"/> class.</summary>
    /// <param name="excludedKeys">Keys to leave out wherever they appear (ordinal comparison).</param>
    public MetadataHasher(IEnumerable<string> excludedKeys)
    {
        ArgumentNullException.ThrowIfNull(excludedKeys);
        _excludedKeys = new HashSet<string>(excludedKeys, StringComparer.Ordinal);
    }

    /// <summary>Hashes metadata.</summary>
    /// <param name="metadata">The metadata, or <see langword="null"/>.</param>
    /// <returns>
    /// The SHA-256 of the canonical JSON as lower-case hex, or <see langword="null"/> when there is no metadata left
    /// once excluded keys are dropped (so "none" and "empty" hash alike).
    /// </returns>
    /// <exception cref="ArgumentException">A value cannot be hashed stably; the message names its key.</exception>
    public string? Hash(IReadOnlyDictionary<string, object?>? metadata)
    {
        if (metadata is null || metadata.Keys.All(_excludedKeys.Contains))
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, metadata);
        return ContentHasher.Hash(buffer.WrittenSpan);
    }

    /// <summary>Returns the canonical JSON that <see cref="Hash"/> hashes (for diagnostics and tests).</summary>
    /// <param name="metadata">The metadata.</param>
    /// <returns>The canonical JSON text.</returns>
    public string ToCanonicalJson(IReadOnlyDictionary<string, object?> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, metadata);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void Write(ArrayBufferWriter<byte> buffer, IReadOnlyDictionary<string, object?> metadata)
    {
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        WriteObject(writer, metadata.Select(p => (p.Key, p.Value)), path: string.Empty, depth: 0);
    }

    private void WriteObject(Utf8JsonWriter writer, IEnumerable<(string Key, object? Value)> members, string path, int depth)
    {
        var sorted = members.Where(m => !_excludedKeys.Contains(m.Key)).ToList();
        sorted.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        writer.WriteStartObject();
        foreach (var (key, value) in sorted)
        {
            writer.WritePropertyName(key);
            WriteValue(writer, value, path.Length == 0 ? key : $"{path}.{key}", depth + 1);
        }

        writer.WriteEndObject();
    }

    private void WriteValue(Utf8JsonWriter writer, object? value, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"The metadata value '{path}' is nested more than {MaxDepth} levels deep (a cycle?).");
        }

        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case char character:
                writer.WriteStringValue(character.ToString());
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case byte or sbyte or short or ushort or int or uint or long:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong number:
                writer.WriteNumberValue(number);
                break;
            case Int128 or UInt128 or BigInteger:
                writer.WriteRawValue(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture));
                break;
            case double number:
                WriteFloatingPoint(writer, number, () => writer.WriteNumberValue(number));
                break;
            case float number:
                WriteFloatingPoint(writer, number, () => writer.WriteNumberValue(number));
                break;
            case Half number:
                WriteFloatingPoint(writer, (double)number, () => writer.WriteNumberValue((float)number));
                break;
            case decimal number:
                writer.WriteRawValue(number.ToString("0.############################", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset instant:
                writer.WriteStringValue(instant.UtcDateTime.ToString(InstantFormat, CultureInfo.InvariantCulture));
                break;
            case DateTime time:
                writer.WriteStringValue(time.Kind switch
                {
                    DateTimeKind.Unspecified => time.ToString(LocalDateTimeFormat, CultureInfo.InvariantCulture),
                    _ => time.ToUniversalTime().ToString(InstantFormat, CultureInfo.InvariantCulture),
                });
                break;
            case DateOnly date:
                writer.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case TimeOnly time:
                writer.WriteStringValue(time.ToString("HH:mm:ss.fffffff", CultureInfo.InvariantCulture));
                break;
            case TimeSpan span:
                writer.WriteStringValue(span.ToString("c", CultureInfo.InvariantCulture));
                break;
            case Guid guid:
                writer.WriteStringValue(guid.ToString("D", CultureInfo.InvariantCulture));
                break;
            case Uri uri:
                writer.WriteStringValue(uri.OriginalString);
                break;
            case Enum member:
                writer.WriteStringValue(member.ToString());
                break;
            case byte[] bytes:
                writer.WriteBase64StringValue(bytes);
                break;
            case ReadOnlyMemory<byte> bytes:
                writer.WriteBase64StringValue(bytes.Span);
                break;
            case JsonElement element:
                WriteElement(writer, element, path, depth);
                break;
            case JsonNode node:
                using (var document = JsonDocument.Parse(node.ToJsonString()))
                {
                    WriteElement(writer, document.RootElement, path, depth);
                }

                break;
            case IReadOnlyDictionary<string, object?> dictionary:
                WriteObject(writer, dictionary.Select(p => (p.Key, p.Value)), path, depth);
                break;
            case IDictionary dictionary:
                WriteObject(writer, Members(dictionary), path, depth);
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                var index = 0;
                foreach (var item in items)
                {
                    WriteValue(writer, item, $"{path}[{index++}]", depth + 1);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException(
                    $"The metadata value '{path}' is a {value.GetType().FullName}, which cannot be hashed stably. " +
                    "Use strings, numbers, booleans, dates, GUIDs, enums, JSON, or dictionaries and lists of these.");
        }
    }

    private static void WriteFloatingPoint(Utf8JsonWriter writer, double value, Action writeFinite)
    {
        if (double.IsNaN(value))
        {
            writer.WriteStringValue("NaN");
        }
        else if (double.IsInfinity(value))
        {
            writer.WriteStringValue(value > 0 ? "Infinity" : "-Infinity");
        }
        else if (value == 0)
        {
            // -0 equals 0; hash them alike.
            writer.WriteNumberValue(0);
        }
        else
        {
            writeFinite();
        }
    }

    private void WriteElement(Utf8JsonWriter writer, JsonElement element, string path, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(writer, element.EnumerateObject().Select(p => (p.Name, (object?)p.Value)), path, depth);
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    WriteValue(writer, item, $"{path}[{index++}]", depth + 1);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number when element.TryGetInt64(out var integer):
                writer.WriteNumberValue(integer);
                break;
            case JsonValueKind.Number:
                WriteValue(writer, element.GetDouble(), path, depth);
                break;
            default:
                // Strings, booleans and null are already canonical once re-written.
                element.WriteTo(writer);
                break;
        }
    }

    private static IEnumerable<(string Key, object? Value)> Members(IDictionary dictionary)
    {
        foreach (DictionaryEntry entry in dictionary)
        {
            yield return (Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty, entry.Value);
        }
    }
}
