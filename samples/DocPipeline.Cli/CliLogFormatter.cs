using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace DocPipeline.Cli;

/// <summary>
/// Writes a log entry as one short line (<c>docpipe: warning: …</c>) without its exception's stack trace, which only
/// <c>--verbose</c> (or <c>DOCPIPE_DEBUG=1</c>) shows. Errors are held until the command ends: a command that fails
/// prints one message saying what went wrong and what to do, so the errors logged on the way there would only repeat
/// it; a command that succeeds prints them (<see cref="HeldErrors"/>).
/// </summary>
internal sealed class CliLogFormatter(CliLogFormatter.HeldErrors held) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "docpipe";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message))
        {
            message = logEntry.Exception?.Message;
        }

        if (logEntry.LogLevel >= LogLevel.Error)
        {
            held.Add($"docpipe: error: {message}");
            return;
        }

        textWriter.WriteLine($"docpipe: {(logEntry.LogLevel == LogLevel.Warning ? "warning" : "info")}: {message}");
    }

    /// <summary>The error lines logged during a command, printed on stderr only if the command does not fail with its own message.</summary>
    internal sealed class HeldErrors
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public void Add(string line) => _lines.Enqueue(line);

        /// <summary>Prints the held lines on stderr.</summary>
        public void Print()
        {
            while (_lines.TryDequeue(out var line))
            {
                Console.Error.WriteLine(line);
            }
        }
    }
}
