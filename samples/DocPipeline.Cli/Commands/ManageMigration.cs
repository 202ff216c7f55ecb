using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using DocPipeline.Migration;
using DocPipeline.Registry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Cli.Commands;

/// <summary>
/// <c>docpipe manage --migrate-embedder &lt;name&gt;</c> and its companions: change the data folder's embedding model
/// without downtime (see <see cref="IEmbedderMigration"/>). The migration builds a second vector index from the
/// registry's chunks while searches go on, then switches; <c>--migration-status</c> shows progress and which index
/// serves, <c>--migration-rollback</c> switches back, <c>--migration-cleanup</c> deletes the index that does not serve.
/// </summary>
internal sealed class ManageMigration : IManageActions
{
    private readonly Option<string?> _migrate = new Option<string?>("--migrate-embedder")
    {
        Description = "Change the embedding model: build a vector index with this embedder (minilm, hash or openai) beside the serving one from the stored chunks, then switch to it. Resumes after an interruption.",
    }.AcceptOnlyFromAmong(EmbedderChoice.MiniLm, EmbedderChoice.Hash, EmbedderChoice.OpenAI);

    private readonly Option<bool> _status = new("--migration-status") { Description = "Show the embedder migration's progress, ETA and which vector index serves." };

    private readonly Option<bool> _rollback = new("--migration-rollback") { Description = "Switch back to the embedder the last migration came from (its vector index is kept until --migration-cleanup)." };

    private readonly Option<bool> _cleanup = new("--migration-cleanup") { Description = "Delete the vector index of the embedder that does not serve (after a switch: the old one; otherwise the new one)." };

    public ManageMigration(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_migrate);
        command.Options.Add(_status);
        command.Options.Add(_rollback);
        command.Options.Add(_cleanup);
    }

    public IEnumerable<string> GivenActions(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetResult(_migrate) is not null)
        {
            yield return "--migrate-embedder";
        }

        foreach (var (option, name) in new[] { (_status, "--migration-status"), (_rollback, "--migration-rollback"), (_cleanup, "--migration-cleanup") })
        {
            if (result.GetValue(option))
            {
                yield return name;
            }
        }
    }

    public void Validate(CommandResult result)
    {
    }

    public bool Handles(ParseResult parse) => GivenActions(parse.CommandResult).Any();

    public Task<int> RunAsync(CliOptions common, ParseResult parse, CancellationToken cancellationToken)
    {
        if (parse.GetValue(_migrate) is { } target)
        {
            return Run(common, parse, (migration, services, output, ct) => MigrateAsync(migration, Generator(services), output, ct), cancellationToken, (_, _) => Task.FromResult<string?>(target));
        }

        if (parse.GetValue(_rollback))
        {
            return Run(common, parse, async (migration, services, output, ct) => await migration.RollbackAsync(Generator(services), ct), cancellationToken, SourceEmbedderAsync);
        }

        if (parse.GetValue(_cleanup))
        {
            return Run(common, parse, (migration, _, _, ct) => migration.CleanupAsync(ct), cancellationToken);
        }

        return Run(common, parse, (migration, _, _, ct) => migration.GetStatusAsync(ct), cancellationToken, readOnly: true);
    }

    /// <summary>Shows a status: one JSON object, or a few lines of text.</summary>
    internal static void Show(EmbedderMigrationStatus status, CliOutput output)
    {
        var serving = status.ServingGeneration is null ? "the original vector index" : $"vector generation {status.ServingGeneration}";
        if (output.IsJson)
        {
            CliJson.Write(new
            {
                status.State,
                status.ServingEmbedder,
                status.ServingGeneration,
                ServingIndex = serving,
                status.SourceEmbedder,
                status.TargetEmbedder,
                status.TargetGeneration,
                status.OtherGenerationKept,
                status.DocumentsDone,
                status.ChunksDone,
                status.ChunksTotal,
                status.ChunksEmbedded,
                Percent = Percent(status),
                EtaSeconds = status.EstimatedRemaining is { } eta ? Math.Round(eta.TotalSeconds, 1) : (double?)null,
                status.StartedAt,
                status.UpdatedAt,
                status.SwitchedAt,
            });
            return;
        }

        output.Line($"Embedder migration: {CliJson.Word(status.State)}. Serving: {status.ServingEmbedder ?? "(no embedder recorded)"} on {serving}.");
        if (status.State == EmbedderMigrationState.None)
        {
            return;
        }

        output.Line($"  from {status.SourceEmbedder} to {status.TargetEmbedder} (generation {status.TargetGeneration})");
        output.Line($"  {status.DocumentsDone} documents, {status.ChunksDone}/{status.ChunksTotal} chunks ({Percent(status):0.#}%), {status.ChunksEmbedded} embedded, the rest from the embedding cache" +
            (status.EstimatedRemaining is { } left ? $", about {left.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s left" : string.Empty));
        output.Line(status.OtherGenerationKept
            ? "  the other vector index is kept: --migration-rollback (or --migrate-embedder again) switches at once; --migration-cleanup deletes it"
            : "  the other vector index was cleaned up");
    }

    private static double Percent(EmbedderMigrationStatus status) =>
        status.ChunksTotal <= 0 ? (status.State == EmbedderMigrationState.None ? 0 : 100) : Math.Min(100, Math.Round(100.0 * status.ChunksDone / status.ChunksTotal, 1));

    private static async Task<EmbedderMigrationStatus> MigrateAsync(IEmbedderMigration migration, IEmbeddingGenerator<string, Embedding<float>> target, CliOutput output, CancellationToken cancellationToken)
    {
        var lastShown = DateTimeOffset.MinValue;
        var progress = new SynchronousProgress(status =>
        {
            // One line a second at most: the migration reports after every batch.
            var now = DateTimeOffset.UtcNow;
            if (now - lastShown >= TimeSpan.FromSeconds(1))
            {
                lastShown = now;
                output.Line($"  {status.ChunksDone}/{status.ChunksTotal} chunks ({Percent(status):0.#}%), {status.ChunksEmbedded} embedded" +
                    (status.EstimatedRemaining is { } left ? $", about {left.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s left" : string.Empty));
            }
        });
        return await migration.MigrateAsync(target, progress, cancellationToken);
    }

    private static IEmbeddingGenerator<string, Embedding<float>> Generator(IServiceProvider services) =>
        services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

    /// <summary>The command-line name of the embedder the last migration came from (what a rollback needs), read before the container is built.</summary>
    private static async Task<string?> SourceEmbedderAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        if (await PipelineHost.ReadSettingAsync(dataDirectory, RegistrySettings.EmbedderMigration, cancellationToken) is not { } json)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("source_embedder", out var source) ? EmbedderChoice.FromRecorded(source.GetString()) : null;
    }

    private static Task<int> Run(
        CliOptions common,
        ParseResult parse,
        Func<IEmbedderMigration, IServiceProvider, CliOutput, CancellationToken, Task<EmbedderMigrationStatus>> action,
        CancellationToken cancellationToken,
        Func<string, CancellationToken, Task<string?>>? chooseEmbedder = null,
        bool readOnly = false) =>
        CommandRunner.RunAsync(common, parse, async (services, output, ct) =>
        {
            try
            {
                Show(await action(services.GetRequiredService<IEmbedderMigration>(), services, output, ct), output);
                return ExitCodes.Success;
            }
            catch (InvalidOperationException ex) when (ex is not ObjectDisposedException)
            {
                return output.Error(ex.Message, ExitCodes.Usage);
            }
        }, cancellationToken, requireExistingData: true, readOnly: readOnly, chooseEmbedder: chooseEmbedder);

    /// <summary>Reports on the caller's thread, in order (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<EmbedderMigrationStatus> report) : IProgress<EmbedderMigrationStatus>
    {
        public void Report(EmbedderMigrationStatus value) => report(value);
    }
}
