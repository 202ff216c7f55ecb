namespace DocPipeline.Tests.Extraction;

/// <summary>A heading or a paragraph of a generated test document.</summary>
internal sealed record TextBlock(string Text, bool IsHeading);
