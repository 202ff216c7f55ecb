namespace DocPipeline.Embeddings;

/// <summary>
/// The configured embedding generator is not the one the data folder was built with. Mixing two models' vectors in
/// one index makes vector search meaningless, so DocPipeline refuses instead.
/// </summary>
public class EmbedderMismatchException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="EmbedderMismatchException"/> class.</summary>
    public EmbedderMismatchException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EmbedderMismatchException"/> class.</summary>
    /// <param name="message">The message.</param>
    public EmbedderMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EmbedderMismatchException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public EmbedderMismatchException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
