using DocPipeline.Chunking;
using Microsoft.ML.Tokenizers;

namespace DocPipeline.Tests.Chunking;

public sealed class WordTokenCounterTests
{
    private static readonly BertTokenizer Tokenizer = BertUncasedTokenizer.Create();

    public static TheoryData<string, string> Texts => new()
    {
        { "prose", ChunkingTestTexts.Prose(20, 11) },
        { "code", ChunkingTestTexts.Code(10, 12) },
        { "cjk", ChunkingTestTexts.Cjk(10, 13) },
        { "emoji", ChunkingTestTexts.Emoji(10, 14) },
        { "single line with punctuation", ChunkingTestTexts.SingleLine(20_000, 15) },
        { "every kind of white space", "a\tb\nc\vd\fe\rf\u0085g\u00A0h\u1680i\u2000j\u200Ak\u2028l\u2029m\u202Fn\u205Fo\u3000p  q" },
        { "control characters inside words", "ab\u0001cd e\u200Bf g\u00ADh [CLS]x [SEP] [MASK]" },
        { "accents and case", "Ünïcödé CAFÉ naïve Résumé ÅNGSTRÖM façade" },
        { "a word longer than the tokenizer's word limit", new string('x', 150) + " short " + new string('y', 99) },
        { "punctuation runs", "...!!! ??? (a) [b] {c} \"d\" 'e' --f-- e.g. U.S.A. 3.14 1,000,000 $5 50% a+b=c" },
        { "surrogate pairs", "😀a🎉b 👩‍💻 x😀 😀😀😀" },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Count_BuiltInTokenizer_EqualsTheTokenizersCountOfTheWholeText(string kind, string text)
    {
        var counter = new WordTokenCounter(Tokenizer);

        // Twice: the first pass fills the word cache, the second reads from it.
        for (var pass = 0; pass < 2; pass++)
        {
            Assert.True(Tokenizer.CountTokens(text) == counter.Count(text), $"{kind}, pass {pass}");
        }
    }

    [Fact]
    public void Count_RandomTextsFromAMixedAlphabet_EqualsTheTokenizersCount()
    {
        string[] alphabet = [.. "abcXYZéÜñ0123 .,;:!?'\"()-_/\\\t\n\r\v\f\u00A0\u3000\u200B\u0001中文".Select(c => c.ToString()), "😀", "e\u0301"];
        var counter = new WordTokenCounter(Tokenizer);
        var random = new Random(20261129);
        for (var i = 0; i < 2_000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            Assert.True(Tokenizer.CountTokens(text) == counter.Count(text), $"text {i}: \"{text}\"");
        }
    }

    [Fact]
    public void CountsByWord_BuiltInTokenizer_True()
    {
        Assert.True(new WordTokenCounter(Tokenizer).CountsByWord);
    }

    [Fact]
    public void CountsByWord_BertTokenizerWithItsOwnNormalizer_FalseBecauseItGluesWordsAcrossLineBreaks()
    {
        using var vocabulary = typeof(BertUncasedTokenizer).Assembly.GetManifestResourceStream(BertUncasedTokenizer.VocabularyResourceName)!;
        var plain = BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = true });
        var counter = new WordTokenCounter(plain);

        Assert.False(counter.CountsByWord);
        Assert.Equal(plain.CountTokens("alpha\nbeta"), counter.Count("alpha\nbeta"));
    }
}
