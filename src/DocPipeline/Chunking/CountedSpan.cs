namespace DocPipeline.Chunking;

/// <summary>A span of the document text and its token count.</summary>
/// <param name="Span">The text span.</param>
/// <param name="Tokens">The number of tokens in the span, or -1 when the span was too long to be counted whole.</param>
internal readonly record struct CountedSpan(TextSpan Span, int Tokens);
