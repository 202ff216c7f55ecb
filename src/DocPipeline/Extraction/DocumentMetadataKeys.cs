namespace DocPipeline.Extraction;

/// <summary>The metadata keys the built-in extractors fill.</summary>
internal static class DocumentMetadataKeys
{
    /// <summary>The document title: a title property, or the first heading.</summary>
    public const string Title = "title";

    /// <summary>The author, as the document names it.</summary>
    public const string Author = "author";
}
