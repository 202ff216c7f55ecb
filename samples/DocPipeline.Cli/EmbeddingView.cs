using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DocPipeline.Embeddings;

namespace DocPipeline.Cli;

/// <summary>How <c>batch</c> and <c>manage --stats</c> show embedding accounting: one JSON object, one line of text.</summary>
internal static class EmbeddingView
{
    /// <summary>The JSON object: calls, texts, input tokens, rate-limited answers, retries, splits, and the wait in milliseconds.</summary>
    public static object Json(EmbeddingStatistics s) => new
    {
        s.Calls,
        s.Texts,
        s.InputTokens,
        s.RateLimited,
        s.Retries,
        s.Splits,
        RateLimitWaitMs = (long)s.RateLimitWait.TotalMilliseconds,
    };

    /// <summary>One line such as <c>12 embedding calls, 700 texts, 9,100 input tokens; 3 rate-limited answers, 2.0 s waited on rate limits</c>.</summary>
    public static string Line(EmbeddingStatistics s)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{s.Calls} embedding calls, {s.Texts} texts, {s.InputTokens} input tokens");
        if (s.RateLimited > 0 || s.Retries > 0 || s.Splits > 0)
        {
            line += string.Create(
                CultureInfo.InvariantCulture,
                $"; {s.RateLimited} rate-limited answers, {s.RateLimitWait.TotalSeconds:0.0} s waited on rate limits, {s.Retries} retries, {s.Splits} batches split");
        }

        return line;
    }

    /// <summary>Writes <see cref="EmbeddingStatistics"/> wherever the tool's JSON holds one (batch, stats, monitor) in the shape of <see cref="Json"/>.</summary>
    internal sealed class StatisticsConverter : JsonConverter<EmbeddingStatistics>
    {
        public override EmbeddingStatistics Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("The tool writes embedding statistics; it never reads them.");

        public override void Write(Utf8JsonWriter writer, EmbeddingStatistics value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, Json(value), options);
    }
}
