namespace DocPipeline.Extraction;

/// <summary>Tells the document's faults, which a parser reports with any exception type, from faults of the host.</summary>
internal static class ContentFault
{
    /// <summary>
    /// Returns whether an exception thrown while parsing means the content is bad: anything except cancellation, an
    /// error already worded for the user, running out of memory, and an I/O failure of the underlying storage (which
    /// a later attempt may not meet, so it must stay retryable).
    /// </summary>
    /// <param name="exception">The exception a parser threw.</param>
    /// <returns><see langword="true"/> when the document is to blame.</returns>
    public static bool IsContentFault(Exception exception) => exception switch
    {
        OperationCanceledException or DocumentExtractionException or OutOfMemoryException => false,
        EndOfStreamException => true,
        IOException => false,
        _ => true,
    };

    /// <summary>Creates the error for content a parser refused, keeping the parser's own words as the detail.</summary>
    /// <param name="what">What the content should have been, for example <c>a valid PDF</c>.</param>
    /// <param name="exception">The parser's exception.</param>
    /// <returns>The error to throw.</returns>
    public static DocumentExtractionException Invalid(string what, Exception exception) =>
        new($"This file is not {what} ({Detail(exception)}).", exception);

    private static string Detail(Exception exception)
    {
        var message = exception.Message.Trim().TrimEnd('.');
        return message.Length == 0 ? exception.GetType().Name : message;
    }
}
