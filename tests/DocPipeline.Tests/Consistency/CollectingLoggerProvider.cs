using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DocPipeline.Tests.Consistency;

/// <summary>Keeps every log message, so a test can check what an operation reported.</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, EventId Event, string Message)> _entries = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _awaited = new();

    public IReadOnlyList<(LogLevel Level, EventId Event, string Message)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <summary>Gets a task that completes once a message with <paramref name="eventId"/> was logged (or at once if one was).</summary>
    public Task LoggedAsync(int eventId)
    {
        var logged = _awaited.GetOrAdd(eventId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_entries.Any(e => e.Event.Id == eventId))
        {
            logged.TrySetResult();
        }

        return logged.Task;
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            provider._entries.Enqueue((logLevel, eventId, formatter(state, exception)));
            if (provider._awaited.TryGetValue(eventId.Id, out var logged))
            {
                logged.TrySetResult();
            }
        }
    }
}
