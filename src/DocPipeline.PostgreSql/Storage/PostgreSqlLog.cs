using Microsoft.Extensions.Logging;

namespace DocPipeline.PostgreSql.Storage;

/// <summary>The log messages of the PostgreSQL backend (event ids 6000–6099).</summary>
internal static partial class PostgreSqlLog
{
    [LoggerMessage(6000, LogLevel.Information, "Migrated the PostgreSQL {Component} tables in schema {Schema} from version {From} to {To}")]
    public static partial void Migrated(ILogger logger, string component, string schema, int from, int to);

    [LoggerMessage(6001, LogLevel.Warning, "Lost the connection to the PostgreSQL {Description} at {Location}; opened a new one and tried again (attempt {Attempt})")]
    public static partial void RetryAfterConnectionLoss(ILogger logger, Exception exception, string description, string location, int attempt);

    [LoggerMessage(6002, LogLevel.Debug, "The PostgreSQL {Description} hit a deadlock or serialization conflict; tried again (attempt {Attempt})")]
    public static partial void RetryAfterConflict(ILogger logger, Exception exception, string description, int attempt);
}
