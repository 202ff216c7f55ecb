using Microsoft.ML.Tokenizers;

namespace DocPipeline.Chunking;

/// <summary>
/// Creates the tokenizer the built-in chunker counts with by default: the uncased BERT WordPiece tokenizer with the
/// vocabulary of bert-base-uncased and all-MiniLM-L6-v2 (30,522 entries, shipped inside DocPipeline).
/// </summary>
public static class BertUncasedTokenizer
{
    /// <summary>The manifest name of the embedded vocabulary.</summary>
    internal const string VocabularyResourceName = "DocPipeline.Chunking.vocab.txt";

    /// <summary>
    /// Creates a tokenizer that works like the reference (Hugging Face) tokenizer of an uncased BERT model: it
    /// lower-cases, strips accents, treats every kind of white space (line breaks and tabs included) as a word
    /// separator, splits on punctuation, gives each CJK character its own word, and reads special-token text such as
    /// <c>[CLS]</c> in a document as plain text. <see cref="Tokenizer.CountTokens(string, bool, bool)"/> leaves out the
    /// two special tokens (<c>[CLS]</c>, <c>[SEP]</c>) that the model adds to every input.
    /// </summary>
    /// <returns>A new tokenizer, safe to use from several threads at once.</returns>
    public static BertTokenizer Create()
    {
        // The library's BERT normalizer deletes line breaks and tabs (as control characters) instead of treating them
        // as white space, which glues the words around them together; map all white space to spaces first.
        var options = CreateOptions();
        options.Normalizer = new WhiteSpaceNormalizer(BertTokenizer.Create(OpenVocabulary(), CreateOptions()).Normalizer
            ?? throw new InvalidOperationException("The BERT tokenizer has no normalizer."));
        return BertTokenizer.Create(OpenVocabulary(), options);
    }

    private static BertOptions CreateOptions() => new()
    {
        LowerCaseBeforeTokenization = true,
        RemoveNonSpacingMarks = true,
        IndividuallyTokenizeCjk = true,
        ApplyBasicTokenization = true,
        SplitOnSpecialTokens = false,
    };

    private static Stream OpenVocabulary() =>
        typeof(BertUncasedTokenizer).Assembly.GetManifestResourceStream(VocabularyResourceName)
        ?? throw new InvalidOperationException($"The embedded resource '{VocabularyResourceName}' is missing from {typeof(BertUncasedTokenizer).Assembly.GetName().Name}.");
}
