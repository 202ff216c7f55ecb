using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DocPipeline.Configuration;

/// <summary>
/// Reads a DocPipeline YAML file into the <c>DocPipeline</c> configuration section: its top-level sections are the
/// option groups (<c>queue:</c> is <c>DocPipeline:Queue</c>), snake_case keys become PascalCase ones
/// (<c>max_concurrent</c> is <c>MaxConcurrent</c>), and relative paths resolve against the file's folder. It keeps the
/// line and spelling of every key, so that an error names them; a file that cannot be read or is not YAML fails the
/// load with an <see cref="InvalidDataException"/> that names the file (and the line).
/// </summary>
internal sealed class DocPipelineYamlConfigurationProvider(DocPipelineYamlConfigurationSource source) : ConfigurationProvider
{
    private Dictionary<string, (int Line, string Written)> _origins = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the full path of the file.</summary>
    public string FilePath => source.Path;

    /// <summary>Finds the line of a key (a full configuration key such as <c>DocPipeline:Queue:MaxConcurrent</c>) and its spelling in the file (<c>queue.max_concurrent</c>).</summary>
    public bool TryGetOrigin(string key, out int line, out string written)
    {
        var found = _origins.TryGetValue(key, out var origin);
        (line, written) = origin;
        return found;
    }

    public override void Load()
    {
        var text = Read();
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var origins = new Dictionary<string, (int, string)>(StringComparer.OrdinalIgnoreCase);
        if (text is not null)
        {
            var root = Parse(text);
            Flatten(root, DocPipelineOptions.SectionName, string.Empty, data, origins);
        }

        Data = data;
        _origins = origins;
    }

    public override string ToString() => $"{GetType().Name} for '{source.Path}'";

    private string? Read()
    {
        if (Directory.Exists(source.Path))
        {
            throw new InvalidDataException($"The configuration file '{source.Path}' is a folder, not a file.");
        }

        if (!File.Exists(source.Path))
        {
            return source.Optional ? null : throw new InvalidDataException($"The configuration file '{source.Path}' does not exist.");
        }

        try
        {
            return File.ReadAllText(source.Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"The configuration file '{source.Path}' cannot be read: {ex.Message}", ex);
        }
    }

    private YamlMappingNode Parse(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{source.Path}, line {ex.Start.Line}, column {ex.Start.Column}: not valid YAML: {Describe(ex)}", ex);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            throw new InvalidDataException(
                $"The configuration file '{source.Path}' is empty: expected sections such as 'queue:' ('docpipe config init' writes one with every key).");
        }

        if (stream.Documents.Count > 1)
        {
            throw new InvalidDataException($"{source.Path}, line {stream.Documents[1].RootNode.Start.Line}: expected one YAML document, found {stream.Documents.Count}.");
        }

        var node = stream.Documents[0].RootNode;
        var root = node as YamlMappingNode ?? throw new InvalidDataException(
            $"{source.Path}, line {node.Start.Line}: expected sections such as 'queue:' (a YAML mapping), found {Kind(node)}.");

        // A file copied from appsettings.json may keep the outer "DocPipeline:" section.
        return root.Children.Count == 1 && root.Children.Keys.Single() is YamlScalarNode { Value: { } outer } &&
               ConfigurationKeyNames.SameKey(outer, DocPipelineOptions.SectionName) && root.Children.Values.Single() is YamlMappingNode inner
            ? inner
            : root;
    }

    private void Flatten(YamlNode node, string key, string written, Dictionary<string, string?> data, Dictionary<string, (int, string)> origins)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (name, value) in mapping.Children)
                {
                    if (name is not YamlScalarNode { Value: { Length: > 0 } segment })
                    {
                        throw new InvalidDataException($"{source.Path}, line {name.Start.Line}: a key must be a plain name, found {Kind(name)}.");
                    }

                    var pascal = ConfigurationKeyNames.ToPascal(segment);
                    var child = $"{key}:{pascal}";
                    var childWritten = written.Length == 0 ? segment : $"{written}.{segment}";
                    origins[child] = (checked((int)name.Start.Line), childWritten);
                    Flatten(value, child, childWritten, data, origins);
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    var item = sequence.Children[i];
                    var child = $"{key}:{i}";
                    origins[child] = (checked((int)item.Start.Line), $"{written}[{i}]");
                    Flatten(item, child, $"{written}[{i}]", data, origins);
                }

                break;
            case YamlScalarNode scalar:
                data[key] = Resolve(key, scalar);
                break;
            default:
                throw new InvalidDataException($"{source.Path}, line {node.Start.Line}: '{written}' has a value YAML configuration cannot hold ({Kind(node)}).");
        }
    }

    /// <summary>A plain <c>~</c>, <c>null</c> or nothing leaves the option at its default; a relative path is made absolute against the file's folder.</summary>
    private string? Resolve(string key, YamlScalarNode scalar)
    {
        if (scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        var value = scalar.Value ?? string.Empty;
        var name = key[(key.LastIndexOf(':') + 1)..];
        return ConfigurationKeyNames.IsPath(name) && value.Length > 0
            ? Path.GetFullPath(value, Path.GetDirectoryName(source.Path)!)
            : value;
    }

    private static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode { Value: var value } => $"the value '{value}'",
        _ => node.NodeType.ToString(),
    };

    private static string Describe(YamlException ex)
    {
        // YamlDotNet prefixes its messages with the position; the caller names it already.
        var message = ex.InnerException?.Message ?? ex.Message;
        var close = message.StartsWith('(') ? message.IndexOf("): ", StringComparison.Ordinal) : -1;
        return close < 0 ? message : message[(close + 3)..];
    }
}
