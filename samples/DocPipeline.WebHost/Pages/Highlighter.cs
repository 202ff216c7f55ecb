using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;

namespace DocPipeline.WebHost.Pages;

/// <summary>Marks the words of a query in a hit's text (<c>&lt;mark&gt;</c>), every other character HTML-encoded.</summary>
internal static partial class Highlighter
{
    private const int MaxLength = 600;

    public static IHtmlContent Highlight(string text, string query)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (flat.Length > MaxLength)
        {
            flat = flat[..MaxLength] + "…";
        }

        var words = Word().Matches(query).Select(m => m.Value).Where(w => w.Length > 2).Distinct(StringComparer.OrdinalIgnoreCase).Select(Regex.Escape).ToList();
        if (words.Count == 0)
        {
            return new HtmlString(HtmlEncoder.Default.Encode(flat));
        }

        var pattern = new Regex(@"\b(" + string.Join('|', words) + @")\w*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var html = new HtmlContentBuilder();
        var at = 0;
        foreach (Match match in pattern.Matches(flat))
        {
            html.Append(flat[at..match.Index]);
            html.AppendHtml("<mark>");
            html.Append(match.Value);
            html.AppendHtml("</mark>");
            at = match.Index + match.Length;
        }

        html.Append(flat[at..]);
        return html;
    }

    [GeneratedRegex(@"\w+")]
    private static partial Regex Word();
}
