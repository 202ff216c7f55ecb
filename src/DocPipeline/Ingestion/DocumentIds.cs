using System.Security.Cryptography;
using System.Text;

namespace DocPipeline.Ingestion;

/// <summary>
/// Stable, readable ids. A document id is the file name made URL-safe plus a short hash of the full path
/// (<c>/docs/User Guide.md</c> → <c>user-guide.md-5c1f0a9e2b</c>): the same file gets the same id on every run and
/// machine layout changes are the only thing that changes it. A chunk id is the document id plus a hash of the
/// chunk text and its occurrence, so an inserted paragraph does not change the ids of the chunks after it.
/// </summary>
internal static class DocumentIds
{
    private const int MaxNameLength = 48;

    public static string FromSource(string fullPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(fullPath);
        var name = Path.GetFileName(fullPath.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var slug = new StringBuilder(Math.Min(name.Length, MaxNameLength));
        foreach (var c in name.ToLowerInvariant())
        {
            if (slug.Length == MaxNameLength)
            {
                break;
            }

            var keep = char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
            if (keep || (slug.Length > 0 && slug[^1] != '-'))
            {
                slug.Append(keep ? c : '-');
            }
        }

        var hash = Hex(SHA256.HashData(Encoding.UTF8.GetBytes(fullPath)), 10);
        return slug.Length == 0 ? $"doc-{hash}" : $"{slug.ToString().Trim('-')}-{hash}";
    }

    /// <summary>The id of the <paramref name="occurrence"/>-th chunk (0-based) with this text in the document.</summary>
    public static string ChunkId(string documentId, string textHash, int occurrence) =>
        $"{documentId}#{Hex(SHA256.HashData(Encoding.UTF8.GetBytes($"{textHash}/{occurrence}")), 16)}";

    public static string TextHash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Hex(byte[] hash, int length) => Convert.ToHexStringLower(hash)[..length];
}
