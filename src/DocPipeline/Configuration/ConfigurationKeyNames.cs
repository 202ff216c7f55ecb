using System.Text;

namespace DocPipeline.Configuration;

/// <summary>
/// Spellings of one configuration key: snake_case as in <c>config.yaml</c> (<c>max_concurrent</c>), PascalCase as in
/// <c>appsettings.json</c> (<c>MaxConcurrent</c>), and any casing of either (environment variables). They compare
/// equal when they are equal without underscores, ignoring case.
/// </summary>
internal static class ConfigurationKeyNames
{
    /// <summary>Turns <c>max_concurrent</c> into <c>MaxConcurrent</c>; a segment without underscores keeps its letters and gets a capital first.</summary>
    public static string ToPascal(string segment)
    {
        var result = new StringBuilder(segment.Length);
        foreach (var part in segment.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            result.Append(char.ToUpperInvariant(part[0]));
            result.Append(segment.Contains('_', StringComparison.Ordinal) && part.All(c => !char.IsLetter(c) || char.IsUpper(c))
                ? part[1..].ToLowerInvariant()
                : part[1..]);
        }

        return result.ToString();
    }

    /// <summary>Turns <c>MaxConcurrent</c> into <c>max_concurrent</c> and <c>RamBufferSizeMB</c> into <c>ram_buffer_size_mb</c>.</summary>
    public static string ToSnake(string name)
    {
        var result = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
            {
                result.Append('_');
            }

            result.Append(char.ToLowerInvariant(c));
        }

        return result.ToString();
    }

    /// <summary>Gets a value indicating whether two spellings name the same key.</summary>
    public static bool SameKey(string a, string b) =>
        string.Equals(a.Replace("_", string.Empty, StringComparison.Ordinal), b.Replace("_", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets a value indicating whether a key names a file or folder, which a configuration file resolves against its own folder.</summary>
    public static bool IsPath(string pascalName) =>
        pascalName.EndsWith("Path", StringComparison.Ordinal) || pascalName is "DataDirectory";

    /// <summary>Finds the candidate closest to <paramref name="key"/> (edit distance over the underscore-free, lower-case forms), if any is close.</summary>
    public static string? Nearest(string key, IEnumerable<string> candidates)
    {
        var wanted = Flatten(key);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(wanted, Flatten(candidate));
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return bestDistance <= Math.Max(2, wanted.Length / 3) ? best : null;
    }

    private static string Flatten(string key) => key.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
