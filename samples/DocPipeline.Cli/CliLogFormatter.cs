using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace DocPipeline.Cli;

/// <summary>
/// Writes a log entry as one short line (<c>docpipe: warning: …</c>) without its exception's stack trace, which only
/// <c>--verbose</c> (or <c>DOCPIPE_DEBUG=1</c>) shows: the command's own message says what went wrong and what to do.
/// </summary>
internal sealed class CliLogFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "docpipe";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message))
        {
            message = logEntry.Exception?.Message;
        }

        var level = logEntry.LogLevel switch
        {
            LogLevel.Critical or LogLevel.Error => "error",
            LogLevel.Warning => "warning",
            _ => "info",
        };
        textWriter.WriteLine($"docpipe: {level}: {message}");
    }
}
