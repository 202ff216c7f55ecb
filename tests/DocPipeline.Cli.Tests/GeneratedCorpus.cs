using System.Text;

namespace DocPipeline.Cli.Tests;

/// <summary>Writes plain-text documents of a few kilobytes (several chunks each), the same for the same seed.</summary>
internal static class GeneratedCorpus
{
    private static readonly string[] Words =
    [
        "river", "stone", "lantern", "orchard", "harbour", "meadow", "copper", "glacier", "violin", "compass",
        "the", "a", "of", "and", "keeps", "carries", "under", "beside", "every", "quiet", "bright", "old",
    ];

    /// <summary>Writes <paramref name="count"/> documents of about <paramref name="bytes"/> bytes into <paramref name="folder"/>.</summary>
    /// <returns>The folder.</returns>
    public static string Write(string folder, int count, int bytes = 5000, int seed = 7)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var text = new StringBuilder($"Document {i}.\n\n");
            while (text.Length < bytes)
            {
                for (var word = random.Next(6, 20); word > 0; word--)
                {
                    text.Append(Words[random.Next(Words.Length)]).Append(' ');
                }

                text.Append(random.Next(4) == 0 ? ".\n\n" : ". ");
            }

            File.WriteAllText(Path.Combine(folder, $"doc-{i:D4}.txt"), text.ToString());
        }

        return folder;
    }
}
