using System.Text.Json;

namespace DocPipeline.Cli.Tests;

/// <summary>What one run of docpipe printed and returned.</summary>
internal sealed record DocpipeResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Parses stdout as exactly one JSON object (nothing before or after it), as <c>--json</c> promises.</summary>
    public JsonElement Json()
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(Stdout);
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"stdout is not one JSON object ({ex.Message}).\n{this}");
        }

        Assert.True(document.RootElement.ValueKind == JsonValueKind.Object, $"stdout is a JSON {document.RootElement.ValueKind}, not an object.\n{this}");
        return document.RootElement.Clone();
    }

    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
