using System.Text.Json;

namespace DocPipeline.Cli;

/// <summary>Writes results: one JSON object on stdout with <c>--json</c>, readable text otherwise; errors on stderr.</summary>
internal sealed class CliOutput(bool json)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
    };

    public bool IsJson { get; } = json;

    /// <summary>Gets a value indicating whether stdout is a terminal (progress bars) rather than a file or pipe (plain lines).</summary>
    public static bool IsInteractive => !Console.IsOutputRedirected;

    public void WriteJson(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    public void Line(string text = "")
    {
        if (!IsJson)
        {
            Console.Out.WriteLine(text);
        }
    }

    /// <summary>Reports an error: as <c>{"error": …}</c> on stdout in JSON mode (so scripts always get an object), and on stderr.</summary>
    public int Error(string message, int exitCode)
    {
        if (IsJson)
        {
            WriteJson(new { error = message });
        }

        Console.Error.WriteLine($"docpipe: {message}");
        return exitCode;
    }
}
