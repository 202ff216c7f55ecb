using System.Text.Json.Serialization;

namespace DocPipeline.Registry;

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, int>))]
[JsonSerializable(typeof(SortedDictionary<string, int>))]
internal sealed partial class MetadataJsonContext : JsonSerializerContext;
