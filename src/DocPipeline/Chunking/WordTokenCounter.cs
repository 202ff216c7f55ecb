using System.Collections.Concurrent;
using Microsoft.ML.Tokenizers;

namespace DocPipeline.Chunking;

/// <summary>
/// Counts the tokens of a text for the chunker. With the built-in BERT tokenizer it counts word by word and remembers
/// the count of each short word, because prose repeats its words: most counts become one dictionary lookup instead of
/// normalizing, pre-tokenizing and WordPiece-matching the text again (the chunker counts every sentence of every
/// document, and that tokenizer work was most of its time).
/// </summary>
/// <remarks>
/// The sum of the words' counts equals the count of the whole text only for a tokenizer that never joins tokens across
/// white space. The built-in tokenizer is such one: it turns every kind of white space into a space
/// (<see cref="WhiteSpaceNormalizer"/>) and WordPiece-splits between spaces. Any other tokenizer is asked about the
/// whole text, as before.
/// </remarks>
internal sealed class WordTokenCounter
{
    /// <summary>Longer words are counted by the tokenizer every time (they rarely repeat).</summary>
    internal const int MaxCachedWordLength = 32;

    /// <summary>The most words remembered; past it, new words are counted but not remembered, so memory stays bounded.</summary>
    internal const int MaxCachedWords = 100_000;

    private readonly Tokenizer _tokenizer;
    private readonly ConcurrentDictionary<string, int>? _words;
    private readonly ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private int _cached;

    /// <summary>Initializes a new instance of the <see cref="WordTokenCounter"/> class.</summary>
    /// <param name="tokenizer">The tokenizer that defines the counts.</param>
    public WordTokenCounter(Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
        if (CountsAddUpOverWords(tokenizer))
        {
            _words = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            _lookup = _words.GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }

    /// <summary>Gets a value indicating whether counts are summed word by word (and remembered).</summary>
    public bool CountsByWord => _words is not null;

    /// <summary>
    /// Gets a value indicating whether the count of a text is the sum of the counts of its white-space separated words:
    /// true for the built-in uncased BERT tokenizer (<see cref="BertUncasedTokenizer.Create"/>).
    /// </summary>
    internal static bool CountsAddUpOverWords(Tokenizer tokenizer) => tokenizer is BertTokenizer { Normalizer: WhiteSpaceNormalizer };

    /// <summary>Counts the tokens of <paramref name="text"/>, without the special tokens the model adds to an input.</summary>
    public int Count(ReadOnlySpan<char> text)
    {
        if (_words is null)
        {
            return _tokenizer.CountTokens(text);
        }

        var total = 0;
        var position = 0;
        while (position < text.Length)
        {
            while (position < text.Length && char.IsWhiteSpace(text[position]))
            {
                position++;
            }

            var start = position;
            while (position < text.Length && !char.IsWhiteSpace(text[position]))
            {
                position++;
            }

            if (position > start)
            {
                total += CountWord(text[start..position]);
            }
        }

        return total;
    }

    private int CountWord(ReadOnlySpan<char> word)
    {
        if (word.Length > MaxCachedWordLength)
        {
            return _tokenizer.CountTokens(word);
        }

        if (_lookup.TryGetValue(word, out var count))
        {
            return count;
        }

        count = _tokenizer.CountTokens(word);

        // The limit is checked loosely (a few racing adds may pass it); ConcurrentDictionary.Count would take every lock.
        if (Volatile.Read(ref _cached) < MaxCachedWords && _lookup.TryAdd(word, count))
        {
            Interlocked.Increment(ref _cached);
        }

        return count;
    }
}
