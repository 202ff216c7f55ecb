namespace DocPipeline.Tests.Extraction;

/// <summary>A block of a corpus source: a title, heading or paragraph (<see cref="Text"/>) or a table (<see cref="Rows"/>).</summary>
internal sealed record CorpusBlock(CorpusBlockKind Kind, string Text, IReadOnlyList<string[]> Rows);
