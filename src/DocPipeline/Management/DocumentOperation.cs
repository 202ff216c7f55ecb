namespace DocPipeline.Management;

/// <summary>One operation of <see cref="IIndexManager.ApplyAsync"/>.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="DocumentId">The document (for update and remove), or <see langword="null"/> for add (the id comes from the path).</param>
/// <param name="Path">The file (for add and update), or <see langword="null"/> for remove.</param>
public sealed record DocumentOperation(DocumentOperationKind Kind, string? DocumentId, string? Path)
{
    /// <summary>Creates an add operation.</summary>
    /// <param name="path">The file to index.</param>
    /// <returns>The operation.</returns>
    public static DocumentOperation Add(string path) => new(DocumentOperationKind.Add, null, path);

    /// <summary>Creates an update operation.</summary>
    /// <param name="documentId">The document to re-index.</param>
    /// <param name="path">The file to read it from.</param>
    /// <returns>The operation.</returns>
    public static DocumentOperation Update(string documentId, string path) => new(DocumentOperationKind.Update, documentId, path);

    /// <summary>Creates a remove operation.</summary>
    /// <param name="documentId">The document to remove.</param>
    /// <returns>The operation.</returns>
    public static DocumentOperation Remove(string documentId) => new(DocumentOperationKind.Remove, documentId, null);
}
