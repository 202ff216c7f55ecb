using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace DocPipeline.Configuration;

/// <summary>
/// Writes a DocPipeline YAML file with every option at its default, each under one comment line on what it does,
/// taken from the XML documentation shipped beside the assembly (left out when that file is missing).
/// </summary>
internal static partial class DocPipelineConfigurationTemplate
{
    public static string Create()
    {
        var docs = LoadDocs();
        var text = new StringBuilder();
        text.AppendLine("# DocPipeline configuration: every key at its default, written by 'docpipe config init'.");
        text.AppendLine("# Keys may also be written PascalCase (MaxConcurrent). Relative paths resolve against this file's folder.");
        text.AppendLine("# Precedence, lowest first: defaults < this file < appsettings.json (section DocPipeline)");
        text.AppendLine("#   < environment variables (DOCPIPELINE__QUEUE__MAX_CONCURRENT=4) < flags (--set queue.max_concurrent=4).");
        Write(text, new DocPipelineOptions(), docs, indent: string.Empty);
        return text.ToString();
    }

    private static void Write(StringBuilder text, object options, Dictionary<string, string> docs, string indent)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var value = property.GetValue(options);
            var name = ConfigurationKeyNames.ToSnake(property.Name);
            text.AppendLine();
            if (docs.TryGetValue($"P:{property.DeclaringType!.FullName}.{property.Name}", out var doc))
            {
                text.Append(indent).Append("# ").AppendLine(doc);
            }

            switch (value)
            {
                case not null when property.PropertyType.IsClass && property.PropertyType.Name.EndsWith("Options", StringComparison.Ordinal):
                    text.Append(indent).Append(name).AppendLine(":");
                    Write(text, value, docs, indent + "  ");
                    break;
                case IList<string> list:
                    text.Append(indent).Append(name).Append(": [").AppendJoin(", ", list.Select(Quote)).AppendLine("]");
                    break;
                case null:
                    text.Append(indent).Append(name).AppendLine(": ~");
                    break;
                default:
                    text.Append(indent).Append(name).Append(": ").AppendLine(Quote(DocPipelineConfigurationSchema.Format(value)!));
                    break;
            }
        }
    }

    private static string Quote(string value) =>
        value.Length > 0 && PlainScalar().IsMatch(value) ? value : $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    /// <summary>The member summaries of the XML documentation, as one sentence each: "Gets or sets the size a chunk aims for." becomes "The size a chunk aims for."</summary>
    private static Dictionary<string, string> LoadDocs()
    {
        var docs = new Dictionary<string, string>(StringComparer.Ordinal);
        var location = typeof(DocPipelineOptions).Assembly.Location;
        var file = string.IsNullOrEmpty(location) ? null : Path.ChangeExtension(location, ".xml");
        if (file is null || !File.Exists(file))
        {
            return docs;
        }

        foreach (var member in XDocument.Load(file).Descendants("member"))
        {
            if (member.Attribute("name")?.Value is { } key && key.StartsWith("P:DocPipeline.Configuration.", StringComparison.Ordinal) &&
                member.Element("summary") is { } summary)
            {
                docs[key] = Sentence(string.Concat(summary.Nodes().Select(Text)));
            }
        }

        return docs;
    }

    private static string Text(XNode node) => node switch
    {
        XText t => t.Value,
        XElement { Name.LocalName: "see" } e => e.Attribute("langword")?.Value ?? e.Attribute("cref")?.Value.Split('.')[^1] ?? e.Value,
        XElement e => string.Concat(e.Nodes().Select(Text)),
        _ => string.Empty,
    };

    private static string Sentence(string summary)
    {
        var text = Spaces().Replace(summary, " ").Trim();
        foreach (var prefix in new[] { "Gets or sets a value indicating ", "Gets or sets ", "Gets " })
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                text = text[prefix.Length..];
                text = char.ToUpperInvariant(text[0]) + text[1..];
                break;
            }
        }

        var end = text.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? text : text[..(end + 1)];
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^[A-Za-z0-9_./\-][A-Za-z0-9_./\- ]*$")]
    private static partial Regex PlainScalar();
}
