namespace DocPipeline.Chunking;

/// <summary>What a <see cref="ChunkUnit"/> is: the largest piece of text that fits, tried in this order.</summary>
internal enum ChunkUnitKind
{
    /// <summary>A whole paragraph.</summary>
    Paragraph,

    /// <summary>A sentence (or line) of a paragraph too big to be one unit.</summary>
    Sentence,

    /// <summary>A word of a sentence too big to be one unit.</summary>
    Word,

    /// <summary>
    /// A run of characters cut out of a word too big to be one unit. A piece may end inside a WordPiece word, so
    /// its token count only holds for its own text: it is always a chunk by itself, without overlap.
    /// </summary>
    Piece,
}
