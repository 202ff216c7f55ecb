using System.Collections.Concurrent;

namespace DocPipeline.Monitoring;

/// <summary>The incidents open in this process (incident → message), which the health check reports as degraded.</summary>
internal sealed class AlertState
{
    private readonly ConcurrentDictionary<string, string> _open = new(StringComparer.Ordinal);

    /// <summary>Gets the open incidents.</summary>
    public IReadOnlyDictionary<string, string> Open => _open;

    /// <summary>Opens <paramref name="incident"/>; returns whether it was closed before (a new incident to report).</summary>
    public bool TryOpen(string incident, string message) => _open.TryAdd(incident, message);

    /// <summary>Resolves <paramref name="incident"/>; returns whether it was open (a resolution to report).</summary>
    public bool TryResolve(string incident) => _open.TryRemove(incident, out _);
}
