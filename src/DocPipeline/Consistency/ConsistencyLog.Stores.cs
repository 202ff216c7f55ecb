using Microsoft.Extensions.Logging;

namespace DocPipeline.Consistency;

/// <content>Messages of the startup check of stores that take part through <c>IStoreHealth</c> (event ids 5150–5159).</content>
internal static partial class ConsistencyLog
{
    [LoggerMessage(5150, LogLevel.Warning, "The {Store} store cannot be checked at startup ({State}); the pipeline starts, and its jobs retry while it is away: {Reason}")]
    public static partial void StoreNotCheckedAtStartup(ILogger logger, string store, string state, string reason);
}
