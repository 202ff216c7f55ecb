using Microsoft.Extensions.Logging;

namespace DocPipeline.Indexing.Keyword;

/// <summary>The log messages of the Lucene keyword index (event ids 4100–4199).</summary>
internal static partial class LuceneKeywordIndexLog
{
    [LoggerMessage(4100, LogLevel.Information, "Opened the keyword index '{Location}' ({Entries} entries)")]
    public static partial void Opened(ILogger logger, string location, int entries);

    [LoggerMessage(4101, LogLevel.Error, "The keyword index '{Location}' cannot be opened")]
    public static partial void OpenFailed(ILogger logger, string location, Exception exception);

    [LoggerMessage(4102, LogLevel.Error, "The keyword index '{Location}' failed to commit")]
    public static partial void CommitFailed(ILogger logger, string location, Exception exception);

    [LoggerMessage(4103, LogLevel.Warning, "The keyword index '{Location}' failed to refresh its searcher; the next refresh retries")]
    public static partial void RefreshFailed(ILogger logger, string location, Exception exception);

    [LoggerMessage(4104, LogLevel.Warning, "Wiped the keyword index '{Location}' and created it empty")]
    public static partial void Recreated(ILogger logger, string location);

    [LoggerMessage(4105, LogLevel.Error, "Closing the keyword index '{Location}' failed")]
    public static partial void CloseFailed(ILogger logger, string location, Exception exception);

    [LoggerMessage(4106, LogLevel.Information, "Copied commit {Generation} of the keyword index '{Location}' to '{Destination}' ({Files} files)")]
    public static partial void Copied(ILogger logger, long generation, string location, string destination, int files);
}
