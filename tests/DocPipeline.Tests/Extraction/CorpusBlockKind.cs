namespace DocPipeline.Tests.Extraction;

/// <summary>What a block of a corpus source is.</summary>
internal enum CorpusBlockKind
{
    Title,
    Heading,
    Paragraph,
    Table,
}
