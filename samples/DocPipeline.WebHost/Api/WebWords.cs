using System.Text.Json;
using System.Text.Json.Serialization;

namespace DocPipeline.WebHost.Api;

/// <summary>
/// Enum values as the <c>docpipe</c> tool spells them (<c>keyword</c>, <c>add_only</c>), read case-insensitively, and
/// the JSON settings of every answer (snake_case names, enums as those words), the same as the tool's <c>--json</c>.
/// </summary>
internal static class WebWords
{
    /// <summary>Applies the tool's JSON conventions to <paramref name="options"/>.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    }

    /// <summary>The word of an enum value (<c>add_only</c>).</summary>
    public static string Word<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>Reads an enum from its word or its name in any case; <see langword="null"/> for no value.</summary>
    /// <exception cref="ArgumentException">The word names no value; the message names <paramref name="name"/> and the choices.</exception>
    public static T? Parse<T>(string? word, string name)
        where T : struct, Enum
    {
        if (string.IsNullOrEmpty(word))
        {
            return null;
        }

        var bare = word.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        if (bare.Length > 0 && char.IsLetter(bare[0]) && Enum.TryParse<T>(bare, ignoreCase: true, out var value) && Enum.IsDefined(value))
        {
            return value;
        }

        throw new ArgumentException($"{name} must be one of {string.Join(", ", Enum.GetValues<T>().Select(Word))}; '{word}' is not one.", name);
    }
}
