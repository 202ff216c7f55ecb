namespace DocPipeline.Consistency;

/// <summary>
/// The registry listed its entries out of chunk id order (a backend sorting with a collation other than byte
/// order): the scan sorts them itself and starts again.
/// </summary>
internal sealed class RegistryOrderException : Exception
{
    public RegistryOrderException()
    {
    }

    public RegistryOrderException(string message)
        : base(message)
    {
    }

    public RegistryOrderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
