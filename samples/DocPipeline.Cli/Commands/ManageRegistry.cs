using System.CommandLine;
using System.CommandLine.Parsing;
using DocPipeline.Consistency;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Cli.Commands;

/// <summary>
/// <c>docpipe manage --rebuild-registry</c>: rebuilds a lost, emptied or corrupt registry from the indexes (chunk text
/// read again from the sources) and says what it recovered and what it could not. Exits with 1 when the indexes do
/// not match the rebuilt registry (documents not recovered), so that a repair follows.
/// </summary>
internal sealed class ManageRegistry : IManageActions
{
    private readonly Option<bool> _rebuild = new("--rebuild-registry")
    {
        Description = "Rebuild a lost, emptied or corrupt registry from the indexes and the sources (no re-embedding). Stop every process using the data folder first.",
    };

    public ManageRegistry(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_rebuild);
    }

    public IEnumerable<string> GivenActions(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetValue(_rebuild))
        {
            yield return "--rebuild-registry";
        }
    }

    public void Validate(CommandResult result)
    {
    }

    public bool Handles(ParseResult parse) => GivenActions(parse.CommandResult).Any();

    public Task<int> RunAsync(CliOptions common, ParseResult parse, CancellationToken cancellationToken) =>
        CommandRunner.RunAsync(common, parse, async (services, output, ct) =>
        {
            try
            {
                var result = await services.GetRequiredService<IIndexMaintenance>().RebuildRegistryAsync(ct);
                Show(result, output);
                return result.After.IsConsistent ? ExitCodes.Success : ExitCodes.PartialFailure;
            }
            catch (NotSupportedException ex)
            {
                return output.Error(ex.Message, ExitCodes.Usage);
            }
        }, cancellationToken, requireExistingData: true);

    private static void Show(RegistryRebuildResult result, CliOutput output)
    {
        if (output.IsJson)
        {
            output.WriteJson(new
            {
                result.Documents,
                result.Chunks,
                result.Embeddings,
                result.Embedder,
                result.NotRecoveredCount,
                NotRecovered = result.NotRecovered.Select(d => new { d.DocumentId, d.Source, d.Reason }),
                result.Notes,
                result.MovedAside,
                Consistent = result.After.IsConsistent,
                DurationMs = (long)result.Duration.TotalMilliseconds,
            });
            return;
        }

        output.Line($"Rebuilt the registry from the indexes: {result.Documents} documents, {result.Chunks} chunks, {result.Embeddings} embeddings (embedder {result.Embedder}).");
        if (result.MovedAside is not null)
        {
            output.Line($"  the registry it replaced was moved aside: {result.MovedAside}");
        }

        foreach (var note in result.Notes)
        {
            output.Line("  " + note);
        }

        if (result.NotRecoveredCount > 0)
        {
            output.Line($"Not recovered: {result.NotRecoveredCount} documents.");
            foreach (var document in result.NotRecovered)
            {
                output.Line($"  {document.DocumentId} ({document.Source ?? "no source"}): {document.Reason}");
            }
        }

        output.Line(result.After.IsConsistent
            ? "Consistent: every index matches the rebuilt registry."
            : "The indexes still hold entries of documents not recovered: run 'docpipe batch' on the sources, then 'docpipe manage --repair-consistency --auto-fix'.");
    }
}
