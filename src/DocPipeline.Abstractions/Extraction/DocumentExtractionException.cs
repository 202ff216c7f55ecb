using DocPipeline.Jobs;

namespace DocPipeline.Extraction;

/// <summary>The content of a document cannot be read: it is corrupt, encrypted, or not what its name says.</summary>
public class DocumentExtractionException : PermanentJobFailureException
{
    /// <summary>Initializes a new instance of the <see cref="DocumentExtractionException"/> class.</summary>
    public DocumentExtractionException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DocumentExtractionException"/> class.</summary>
    /// <param name="message">A message that tells a user what is wrong with the document.</param>
    public DocumentExtractionException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DocumentExtractionException"/> class.</summary>
    /// <param name="message">A message that tells a user what is wrong with the document.</param>
    /// <param name="innerException">The cause.</param>
    public DocumentExtractionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
