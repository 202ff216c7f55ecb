using Microsoft.Extensions.Logging;

namespace DocPipeline.Indexing.Vector;

/// <summary>Log messages of the vector indexes (event ids 4100–4199).</summary>
internal static partial class VectorIndexLog
{
    [LoggerMessage(4100, LogLevel.Information, "Opened the vector index '{Directory}': {Entries} vectors of {Dimensions} dimensions.")]
    public static partial void Opened(ILogger logger, string directory, int entries, int dimensions);

    [LoggerMessage(4101, LogLevel.Debug, "Grew the vector file '{Path}' from {OldCapacity} to {NewCapacity} vectors.")]
    public static partial void Grew(ILogger logger, string path, int oldCapacity, int newCapacity);

    [LoggerMessage(4102, LogLevel.Warning, "Moved the files of the vector index '{Directory}' aside (suffix '{Suffix}') and started an empty index.")]
    public static partial void MovedAside(ILogger logger, string directory, string suffix);

    [LoggerMessage(4103, LogLevel.Debug, "The vector index catalog '{Path}' could not be checkpointed (a reader is active); freed slots wait and the file grows instead.")]
    public static partial void NotDurableYet(ILogger logger, string path);

    [LoggerMessage(4104, LogLevel.Warning, "Could not delete the vector file '{Path}' after the index was cleared; it will be overwritten by the next upsert.")]
    public static partial void StaleFileKept(ILogger logger, string path, Exception exception);

    [LoggerMessage(4150, LogLevel.Information, "Recorded the checksums of {Count} vectors of the vector index '{Directory}' that were stored without one (written before checksums).")]
    public static partial void ChecksumsAdded(ILogger logger, string directory, int count);
}
