using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using DocPipeline.Fingerprints;
using DocPipeline.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Cli.Commands;

/// <summary>
/// <c>docpipe manage --history &lt;doc-id|path&gt;</c>: every recorded fingerprint of a source, newest first (hash,
/// size, last-write time, when it was recorded and what the run did), and when a run last saw it. Opens only the
/// registry and the fingerprint store (see <see cref="StoreRunner"/>).
/// </summary>
internal sealed class ManageHistory : IManageActions
{
    private const int MaxEntries = 10_000;

    private readonly Option<string> _history = new("--history") { Description = "Show the recorded fingerprints of a document id or a source path, newest first." };

    public ManageHistory(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_history);
    }

    public IEnumerable<string> GivenActions(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetResult(_history) is not null)
        {
            yield return "--history";
        }
    }

    public void Validate(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetResult(_history) is not null && string.IsNullOrWhiteSpace(result.GetValue(_history)))
        {
            result.AddError("--history needs a document id or a source path.");
        }
    }

    public bool Handles(ParseResult parse) => GivenActions(parse.CommandResult).Any();

    public Task<int> RunAsync(CliOptions common, ParseResult parse, CancellationToken cancellationToken) =>
        StoreRunner.RunAsync(common, parse, async (services, output, ct) =>
        {
            var given = parse.GetValue(_history)!;
            var fingerprints = services.GetRequiredService<IFingerprintStore>();

            // A document id names its source; anything else is a path (relative to the working folder).
            var document = await services.GetRequiredService<IDocumentRegistry>().GetAsync(given, ct);
            var source = document?.Source ?? Path.GetFullPath(given);
            var current = await fingerprints.GetAsync(source, ct);
            var history = await fingerprints.GetHistoryAsync(source, MaxEntries, ct);
            if (document is null && current is null && history.Count == 0)
            {
                return output.Error($"No document has the id '{given}', and no fingerprint was ever recorded for '{source}'. 'docpipe manage --list' shows the documents.", ExitCodes.Usage);
            }

            if (output.IsJson)
            {
                CliJson.Write(new { Source = source, DocumentId = document?.Id ?? current?.DocumentId, Current = current, History = history });
                return ExitCodes.Success;
            }

            output.Line($"{source}{(document is null ? string.Empty : $" (document {document.Id})")}");
            output.Line(current is null
                ? "  no current fingerprint (removed, or never indexed)"
                : $"  current: {Short(current.ContentHash)}, {current.Size} bytes, modified {Time(current.LastWriteTimeUtc)}, last seen {Time(current.LastSeenAt)}");
            foreach (var entry in history)
            {
                output.Line($"  {Time(entry.RecordedAt)}  {CliJson.Word(entry.Change),-8} {Short(entry.ContentHash)}  {entry.Size,10} bytes  modified {Time(entry.LastWriteTimeUtc)}");
            }

            if (history.Count == 0)
            {
                output.Line("  no history recorded");
            }

            return ExitCodes.Success;
        }, cancellationToken);

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    private static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
