namespace DocPipeline.Jobs;

/// <summary>Thrown when a worker acts on a job whose lease it no longer holds (it expired and another worker took it).</summary>
public class JobLeaseLostException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="JobLeaseLostException"/> class.</summary>
    public JobLeaseLostException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JobLeaseLostException"/> class.</summary>
    /// <param name="message">The message.</param>
    public JobLeaseLostException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="JobLeaseLostException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public JobLeaseLostException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
