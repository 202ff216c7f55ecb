namespace DocPipeline.Chunking;

/// <summary>A range <c>[Start, End)</c> of character offsets into a document text.</summary>
/// <param name="Start">The offset of the first character.</param>
/// <param name="End">The offset just past the last character.</param>
internal readonly record struct TextSpan(int Start, int End)
{
    /// <summary>Gets the number of characters in the span.</summary>
    public int Length => End - Start;
}
