namespace DocPipeline.Management;

/// <summary>No document has the given id.</summary>
public class DocumentNotFoundException : KeyNotFoundException
{
    /// <summary>Initializes a new instance of the <see cref="DocumentNotFoundException"/> class.</summary>
    public DocumentNotFoundException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DocumentNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    public DocumentNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DocumentNotFoundException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DocumentNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
