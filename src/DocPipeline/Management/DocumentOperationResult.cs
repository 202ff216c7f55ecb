namespace DocPipeline.Management;

/// <summary>The outcome of one document operation.</summary>
public sealed record DocumentOperationResult
{
    /// <summary>Gets the operation.</summary>
    public required DocumentOperation Operation { get; init; }

    /// <summary>Gets the document id (for add, the id derived from the path).</summary>
    public required string DocumentId { get; init; }

    /// <summary>Gets what happened.</summary>
    public DocumentOperationOutcome Outcome { get; init; }

    /// <summary>Gets the number of chunks of the document version now served; for a removal, of the version removed.</summary>
    public int Chunks { get; init; }

    /// <summary>Gets how many chunk texts were sent to the embedder.</summary>
    public int Embedded { get; init; }

    /// <summary>Gets why the operation failed, or <see langword="null"/>.</summary>
    public string? Error { get; init; }
}
