namespace DocPipeline.Tests.Ingestion;

/// <summary>Disposes whatever a test decorator wraps, the way the container would have.</summary>
internal static class Disposal
{
    public static ValueTask DisposeAsync(object inner)
    {
        switch (inner)
        {
            case IAsyncDisposable asyncDisposable:
                return asyncDisposable.DisposeAsync();
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        return ValueTask.CompletedTask;
    }
}
