using System.Text;

namespace DocPipeline.PostgreSql.Registry;

/// <summary>
/// Turns the glob of <see cref="DocPipeline.Registry.DocumentQuery.Filter"/> into an anchored PostgreSQL regular
/// expression with the meaning SQLite's <c>GLOB</c> gives it in the embedded registry: <c>*</c> is any run of
/// characters, <c>?</c> one character, <c>[…]</c> a character class (<c>[^…]</c> negated), and everything else
/// matches itself, case-sensitively.
/// </summary>
internal static class GlobPattern
{
    private const string RegexSpecials = @"\.^$|()[]{}*+?";

    public static string ToRegex(string glob)
    {
        ArgumentNullException.ThrowIfNull(glob);
        var regex = new StringBuilder(glob.Length + 8).Append('^');
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '[' when CloseOfClass(glob, i) is var close and > 0:
                    AppendClass(regex, glob.AsSpan(i + 1, close - i - 1));
                    i = close;
                    break;
                default:
                    AppendLiteral(regex, c);
                    break;
            }
        }

        return regex.Append('$').ToString();
    }

    /// <summary>The index of the <c>]</c> that closes the class opened at <paramref name="open"/>, or -1 when it is not closed.</summary>
    private static int CloseOfClass(string glob, int open)
    {
        var i = open + 1;
        if (i < glob.Length && glob[i] == '^')
        {
            i++;
        }

        // A ']' right after the opening bracket is a member, as in SQLite.
        if (i < glob.Length && glob[i] == ']')
        {
            i++;
        }

        return glob.IndexOf(']', i);
    }

    private static void AppendClass(StringBuilder regex, ReadOnlySpan<char> members)
    {
        regex.Append('[');
        if (members.Length > 0 && members[0] == '^')
        {
            regex.Append('^');
            members = members[1..];
        }

        foreach (var c in members)
        {
            // Inside a bracket expression PostgreSQL's regular expressions still treat a backslash as an escape.
            if (c is '\\' or '[' or ']')
            {
                regex.Append('\\');
            }

            regex.Append(c);
        }

        regex.Append(']');
    }

    private static void AppendLiteral(StringBuilder regex, char c)
    {
        if (RegexSpecials.Contains(c, StringComparison.Ordinal))
        {
            regex.Append('\\');
        }

        regex.Append(c);
    }
}
