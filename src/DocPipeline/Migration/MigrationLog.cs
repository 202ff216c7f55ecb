using Microsoft.Extensions.Logging;

namespace DocPipeline.Migration;

/// <summary>Log messages of embedder migrations (event ids 7500–7599).</summary>
internal static partial class MigrationLog
{
    [LoggerMessage(7500, LogLevel.Information, "Embedder migration from '{Source}' to '{Target}' started: building vector generation '{Generation}'.")]
    public static partial void Started(ILogger logger, string source, string target, string generation);

    [LoggerMessage(7501, LogLevel.Information, "Embedder migration to '{Target}' resumed after document '{Cursor}'.")]
    public static partial void Resumed(ILogger logger, string target, string? cursor);

    [LoggerMessage(7502, LogLevel.Information, "Embedder migration caught up: {Written} chunks written, {Removed} removed from vector generation '{Generation}'.")]
    public static partial void CaughtUp(ILogger logger, long written, long removed, string generation);

    [LoggerMessage(7503, LogLevel.Information, "Switched the data folder's embedder from '{From}' to '{To}' (vector generation '{Generation}').")]
    public static partial void Switched(ILogger logger, string from, string to, string generation);

    [LoggerMessage(7504, LogLevel.Information, "Deleted the vector generation folder '{Folder}'.")]
    public static partial void GenerationDeleted(ILogger logger, string folder);

    [LoggerMessage(7505, LogLevel.Warning, "Vector generation '{Generation}' holds vectors of another model than '{Model}' (chunk '{ChunkId}', restored from a backup of another generation?): cleared, every chunk is embedded again.")]
    public static partial void OtherModel(ILogger logger, string generation, string model, string chunkId);
}
