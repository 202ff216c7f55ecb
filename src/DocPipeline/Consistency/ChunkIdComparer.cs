namespace DocPipeline.Consistency;

/// <summary>
/// Orders chunk ids by Unicode code point, which is the order of their UTF-8 bytes: the order SQLite's <c>BINARY</c>
/// collation, PostgreSQL's <c>"C"</c> collation and Lucene's term dictionary all sort in. <see cref="StringComparer.Ordinal"/>
/// differs from it only for characters above U+FFFF against characters from U+E000 to U+FFFF, and that difference is
/// enough to break a merge of two sorted streams.
/// </summary>
internal sealed class ChunkIdComparer : IComparer<string>
{
    /// <summary>Gets the single instance.</summary>
    public static ChunkIdComparer Instance { get; } = new();

    private ChunkIdComparer()
    {
    }

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var common = x.AsSpan().CommonPrefixLength(y);
        if (common == x.Length || common == y.Length)
        {
            return x.Length - y.Length;
        }

        return Weight(x[common]) - Weight(y[common]);
    }

    /// <summary>Moves surrogates (U+D800–U+DFFF) above U+E000–U+FFFF, so UTF-16 code units compare like code points.</summary>
    private static int Weight(char c) => c >= '\uD800' ? (c >= '\uE000' ? c - 0x800 : c + 0x2000) : c;
}
