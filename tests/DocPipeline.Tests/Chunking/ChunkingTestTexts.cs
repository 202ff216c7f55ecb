using System.Text;

namespace DocPipeline.Tests.Chunking;

/// <summary>Deterministic texts of many shapes for chunker tests.</summary>
internal static class ChunkingTestTexts
{
    private static readonly string[] Words =
    [
        "the", "pipeline", "keeps", "indexes", "in", "step", "with", "documents", "that", "change", "often", "and",
        "every", "edit", "re-embeds", "only", "what", "changed", "a", "chunk", "is", "sized", "for", "embedder",
        "vector", "keyword", "search", "returns", "ranked", "hits", "from", "both", "jobs", "run", "through",
        "durable", "queue", "so", "crash", "loses", "nothing", "fingerprints", "skip", "unchanged", "files",
        "naïve", "café", "résumé", "Zürich", "straße", "internationalization", "counter-intuitively", "e.g.",
        "3.14", "42", "1,000,000", "(see", "below)", "\"quoted\"", "don't", "it's", "C#", ".NET", "x=y+z",
    ];

    /// <summary>Prose: paragraphs of sentences of various lengths, separated by blank lines.</summary>
    public static string Prose(int paragraphs, int seed)
    {
        var random = new Random(seed);
        var builder = new StringBuilder();
        for (var p = 0; p < paragraphs; p++)
        {
            if (p > 0)
            {
                builder.Append("\n\n");
            }

            builder.Append(Paragraph(random));
        }

        return builder.ToString();
    }

    /// <summary>One paragraph: 1 to 6 sentences of 3 to 30 words (rarely a very long one).</summary>
    public static string Paragraph(Random random)
    {
        var builder = new StringBuilder();
        var sentences = random.Next(1, 7);
        for (var s = 0; s < sentences; s++)
        {
            if (s > 0)
            {
                builder.Append(' ');
            }

            builder.Append(Sentence(random));
        }

        return builder.ToString();
    }

    /// <summary>One sentence of 3 to 30 words (one in 40 has 60 to 300 words).</summary>
    public static string Sentence(Random random)
    {
        var builder = new StringBuilder();
        {
            var words = random.Next(40) == 0 ? random.Next(60, 300) : random.Next(3, 31);
            for (var w = 0; w < words; w++)
            {
                var word = Words[random.Next(Words.Length)];
                builder.Append(w == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word);
                builder.Append(w == words - 1 ? (random.Next(5) == 0 ? "?" : ".") : " ");
            }
        }

        return builder.ToString();
    }

    /// <summary>C#-like code: lines, indentation, symbols, blank lines between members.</summary>
    public static string Code(int members, int seed)
    {
        var random = new Random(seed);
        var builder = new StringBuilder("namespace Sample;\n\npublic sealed class Widget\n{\n");
        for (var m = 0; m < members; m++)
        {
            builder.Append("    public int Compute").Append(m).Append("(int value, string name)\n    {\n");
            for (var l = random.Next(2, 40); l > 0; l--)
            {
                builder.Append("        var x").Append(l).Append(" = value * ").Append(random.Next(100))
                    .Append(" + name.Length; // step ").Append(l).Append(" of the computation\n");
            }

            builder.Append("        return value;\n    }\n\n");
        }

        return builder.Append("}\n").ToString();
    }

    /// <summary>Chinese and Japanese text with CJK full stops and no spaces, in paragraphs.</summary>
    public static string Cjk(int paragraphs, int seed)
    {
        const string han = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跑";
        const string kana = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんアイウエオカキクケコ";
        var random = new Random(seed);
        var builder = new StringBuilder();
        for (var p = 0; p < paragraphs; p++)
        {
            if (p > 0)
            {
                builder.Append("\n\n");
            }

            for (var s = random.Next(1, 12); s > 0; s--)
            {
                var source = random.Next(2) == 0 ? han : kana;
                for (var c = random.Next(5, 60); c > 0; c--)
                {
                    builder.Append(source[random.Next(source.Length)]);
                }

                builder.Append(random.Next(4) == 0 ? '？' : '。');
            }
        }

        return builder.ToString();
    }

    /// <summary>Words mixed with emoji (surrogate pairs, joiners, skin tones).</summary>
    public static string Emoji(int paragraphs, int seed)
    {
        string[] emoji = ["😀", "🎉", "👍🏽", "👩‍💻", "🇫🇷", "❤️", "🚀", "🙂"];
        var random = new Random(seed);
        var builder = new StringBuilder();
        for (var p = 0; p < paragraphs; p++)
        {
            if (p > 0)
            {
                builder.Append("\n\n");
            }

            for (var w = random.Next(5, 120); w > 0; w--)
            {
                builder.Append(random.Next(3) == 0 ? emoji[random.Next(emoji.Length)] : Words[random.Next(Words.Length)]);
                builder.Append(random.Next(6) == 0 ? "" : " ");
            }
        }

        return builder.ToString();
    }

    /// <summary>A single line of <paramref name="length"/> characters without white space, mixing letters and punctuation.</summary>
    public static string SingleLine(int length, int seed)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789,.;:/{}[]\"=_-";
        var random = new Random(seed);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return new string(chars);
    }
}
