using Microsoft.Extensions.Logging;

namespace DocPipeline.Indexing;

/// <summary>Log messages of rebuild staging (event ids 4190–4199).</summary>
internal static partial class RebuildStagingLog
{
    [LoggerMessage(4190, LogLevel.Information, "Swapped the rebuilt index '{Staging}' in for '{Live}'")]
    public static partial void SwappedIn(ILogger logger, string staging, string live);

    [LoggerMessage(4191, LogLevel.Warning, "Deleted '{Staging}': a rebuild that did not finish; the index it was to replace kept serving")]
    public static partial void Discarded(ILogger logger, string staging);

    [LoggerMessage(4192, LogLevel.Warning, "Could not delete the rebuild folder '{Staging}'; delete it by hand")]
    public static partial void LeftoverKept(ILogger logger, string staging, Exception exception);
}
