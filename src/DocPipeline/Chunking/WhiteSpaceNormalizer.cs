using System.Buffers;
using Microsoft.ML.Tokenizers;

namespace DocPipeline.Chunking;

/// <summary>Replaces every white-space character other than a space with a space, then applies another normalizer.</summary>
/// <param name="inner">The normalizer applied after the replacement.</param>
internal sealed class WhiteSpaceNormalizer(Normalizer inner) : Normalizer
{
    private static readonly SearchValues<char> OtherWhiteSpace = SearchValues.Create(
        "\t\n\v\f\r\u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000");

    /// <inheritdoc/>
    public override string Normalize(string original)
    {
        ArgumentNullException.ThrowIfNull(original);
        return original.AsSpan().ContainsAny(OtherWhiteSpace) ? inner.Normalize(Replace(original)) : inner.Normalize(original);
    }

    /// <inheritdoc/>
    public override string Normalize(ReadOnlySpan<char> original) =>
        original.ContainsAny(OtherWhiteSpace) ? inner.Normalize(Replace(original)) : inner.Normalize(original);

    private static string Replace(ReadOnlySpan<char> original)
    {
        var chars = original.ToArray();
        var span = chars.AsSpan();
        int index;
        while ((index = span.IndexOfAny(OtherWhiteSpace)) >= 0)
        {
            span[index] = ' ';
            span = span[(index + 1)..];
        }

        return new string(chars);
    }
}
