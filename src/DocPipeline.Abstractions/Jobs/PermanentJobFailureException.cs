namespace DocPipeline.Jobs;

/// <summary>
/// Thrown by a job handler when another attempt cannot succeed (a corrupt or unreadable file, a document that no
/// extractor handles). The job fails at once with this message instead of being retried.
/// </summary>
public class PermanentJobFailureException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PermanentJobFailureException"/> class.</summary>
    public PermanentJobFailureException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PermanentJobFailureException"/> class.</summary>
    /// <param name="message">A message that tells a user what went wrong.</param>
    public PermanentJobFailureException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PermanentJobFailureException"/> class.</summary>
    /// <param name="message">A message that tells a user what went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public PermanentJobFailureException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
