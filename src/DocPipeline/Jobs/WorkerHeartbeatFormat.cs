using System.Text.Json;

namespace DocPipeline.Jobs;

/// <summary>
/// The one-column form of a <see cref="WorkerHeartbeat"/> that the built-in job stores keep (JSON, snake_case), for
/// backend authors who store heartbeats the same way.
/// </summary>
public static class WorkerHeartbeatFormat
{
    /// <summary>The longest heartbeat a store accepts, in characters: a row stays small whatever a worker reports.</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>Serializes <paramref name="heartbeat"/>.</summary>
    /// <param name="heartbeat">The heartbeat.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArgumentException">The worker id is empty, or the heartbeat is longer than <see cref="MaxLength"/>.</exception>
    public static string Serialize(WorkerHeartbeat heartbeat)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        if (string.IsNullOrEmpty(heartbeat.WorkerId))
        {
            throw new ArgumentException("A heartbeat needs a worker id.", nameof(heartbeat));
        }

        var json = JsonSerializer.Serialize(heartbeat, WorkerHeartbeatJsonContext.Default.WorkerHeartbeat);
        return json.Length <= MaxLength
            ? json
            : throw new ArgumentException($"The heartbeat of {heartbeat.WorkerId} is {json.Length} characters long; a heartbeat holds at most {MaxLength}.", nameof(heartbeat));
    }

    /// <summary>Reads a heartbeat that <see cref="Serialize"/> wrote.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The heartbeat.</returns>
    public static WorkerHeartbeat Deserialize(string json) =>
        JsonSerializer.Deserialize(json, WorkerHeartbeatJsonContext.Default.WorkerHeartbeat) ?? throw new JsonException("A worker heartbeat row holds null.");
}
