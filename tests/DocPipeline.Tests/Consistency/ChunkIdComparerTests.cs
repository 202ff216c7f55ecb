using System.Text;
using DocPipeline.Consistency;

namespace DocPipeline.Tests.Consistency;

public sealed class ChunkIdComparerTests
{
    [Fact]
    public void Compare_AnyStrings_OrdersLikeTheirUtf8Bytes()
    {
        // U+E000..U+FFFF sort below supplementary characters in UTF-8 (and in SQLite, PostgreSQL "C", Lucene), above them in UTF-16.
        string[] ids = ["doc#a", "doc#b", "doc", "doc#\uE000", "doc#\uFFFD", "doc#\U0001F600", "doc#\u00E9", "doc-2#a", "Doc#a", string.Empty];

        var sorted = ids.Order(ChunkIdComparer.Instance).ToList();

        var byBytes = ids.OrderBy(id => Encoding.UTF8.GetBytes(id), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).ToList();
        Assert.Equal(byBytes, sorted);
        Assert.True(ChunkIdComparer.Instance.Compare("doc#\uFFFD", "doc#\U0001F600") < 0);
        Assert.True(string.CompareOrdinal("doc#\uFFFD", "doc#\U0001F600") > 0);
    }

    [Fact]
    public void Compare_EqualAndPrefixes_ZeroForEqualAndShorterFirst()
    {
        Assert.Equal(0, ChunkIdComparer.Instance.Compare("abc", new string("abc".AsSpan())));
        Assert.True(ChunkIdComparer.Instance.Compare("ab", "abc") < 0);
        Assert.True(ChunkIdComparer.Instance.Compare(null, "a") < 0);
    }
}
