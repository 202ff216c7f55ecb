namespace DocPipeline.Consistency;

/// <summary>
/// A backup was refused before anything was changed: its manifest is missing or unreadable, a checksum does not
/// match, or it holds an unsafe or unexpected entry (an absolute path, <c>..</c>, a link, a file the manifest does
/// not list).
/// </summary>
public class InvalidBackupException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="InvalidBackupException"/> class.</summary>
    public InvalidBackupException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidBackupException"/> class.</summary>
    /// <param name="message">The message.</param>
    public InvalidBackupException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidBackupException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidBackupException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
