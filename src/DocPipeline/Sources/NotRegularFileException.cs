namespace DocPipeline.Sources;

/// <summary>A source is not a regular file (a FIFO, a socket, a device or a folder), so DocPipeline does not read it.</summary>
internal sealed class NotRegularFileException : IOException
{
    /// <summary>Initializes a new instance of the <see cref="NotRegularFileException"/> class.</summary>
    /// <param name="message">Why the source is not read, naming it and what it is.</param>
    public NotRegularFileException(string message)
        : base(message)
    {
    }
}
