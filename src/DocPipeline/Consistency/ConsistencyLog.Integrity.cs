using Microsoft.Extensions.Logging;

namespace DocPipeline.Consistency;

/// <content>Messages of the store integrity checks (event ids 5140–5149).</content>
internal static partial class ConsistencyLog
{
    [LoggerMessage(5140, LogLevel.Error, "The {Store} store is damaged ({Check}): {Error}")]
    public static partial void StoreDamaged(ILogger logger, string store, string check, string error);
}
