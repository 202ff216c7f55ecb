namespace DocPipeline;

/// <summary>
/// A store cannot be opened or used: the file is missing, unreadable, corrupt, or from a newer version of
/// DocPipeline. The message names the file and what to do; DocPipeline never deletes or overwrites such a file.
/// </summary>
public class DocPipelineStorageException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="DocPipelineStorageException"/> class.</summary>
    public DocPipelineStorageException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DocPipelineStorageException"/> class.</summary>
    /// <param name="message">The message.</param>
    public DocPipelineStorageException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DocPipelineStorageException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DocPipelineStorageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
