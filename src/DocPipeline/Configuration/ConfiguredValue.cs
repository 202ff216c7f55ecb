namespace DocPipeline.Configuration;

/// <summary>One DocPipeline key set by a configuration source, with where it was set.</summary>
/// <param name="Key">The key below <c>DocPipeline</c>, spelled like the option (<c>Queue:MaxConcurrent</c>) when it names one.</param>
/// <param name="Value">The value as the source gave it.</param>
/// <param name="Source">What kind of source set it: <c>file</c>, <c>environment</c>, <c>flag</c> or <c>configuration</c>.</param>
/// <param name="Origin">Where exactly: <c>/etc/docpipe/config.yaml:3</c>, <c>DOCPIPELINE__QUEUE__MAX_CONCURRENT</c>, <c>appsettings.json</c>.</param>
/// <param name="Where">The start of an error message about it: the file, the line and the key as written there.</param>
/// <param name="Snake">Whether the source spells keys in snake_case, so that suggestions should too.</param>
internal sealed record ConfiguredValue(string Key, string Value, string Source, string Origin, string Where, bool Snake);
