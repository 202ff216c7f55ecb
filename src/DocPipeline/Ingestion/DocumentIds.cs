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
    public static string ChunkId(string documentId, string textHash, int occurrence)
    {
        // Hashes "{textHash}/{occurrence}" as UTF-8 without building that string (the ids of every chunk go through here).
        Span<char> key = stackalloc char[textHash.Length + 12];
        textHash.AsSpan().CopyTo(key);
        key[textHash.Length] = '/';
        occurrence.TryFormat(key[(textHash.Length + 1)..], out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        HashUtf8(key[..(textHash.Length + 1 + digits)], hash);
        return $"{documentId}#{Convert.ToHexStringLower(hash[..8])}";
    }

    public static string TextHash(string text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        HashUtf8(text, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The SHA-256 of <paramref name="text"/> in UTF-8, encoded into a pooled buffer instead of a new array per call.</summary>
    private static void HashUtf8(ReadOnlySpan<char> text, Span<byte> hash)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(text, buffer);
            SHA256.HashData(buffer.AsSpan(0, length), hash);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Hex(byte[] hash, int length) => Convert.ToHexStringLower(hash)[..length];
}
