using System.Text.Json;
using System.Text.Json.Serialization;

namespace DocPipeline.Cli;

/// <summary>
/// Writes <c>--json</c> output that holds library records under their own property names (snake_case, as
/// <see cref="CliOutput"/> writes), with enum values as lower-case words (<c>"failed"</c>, <c>"removed"</c>).
/// </summary>
internal static class CliJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new EmbeddingView.StatisticsConverter() },
    };

    /// <summary>Writes <paramref name="value"/> as one line of JSON on stdout.</summary>
    public static void Write(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Options));

    /// <summary>An enum value as the word the JSON output uses.</summary>
    public static string Word<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
