using System.CommandLine;
using System.CommandLine.Parsing;
using DocPipeline.Consistency;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Cli.Commands;

/// <summary>
/// The index consistency actions of <c>docpipe manage</c>: <c>--verify-consistency</c>, <c>--repair-consistency
/// [--auto-fix]</c>, <c>--backup &lt;path&gt;</c>, <c>--restore &lt;path&gt;</c> and <c>--rebuild-index vector|keyword|both</c>.
/// Verify and repair exit with 1 while the indexes are inconsistent, so scripts and cron jobs can alert; verify exits
/// with 3 when a store is damaged.
/// </summary>
internal sealed class ManageConsistency : IManageActions
{
    private readonly Option<bool> _verify = new("--verify-consistency") { Description = "Compare each index with the registry; exit code 1 when they differ." };
    private readonly Option<bool> _deep = new("--deep")
    {
        Description = "With --verify-consistency: check every store in depth (SQLite integrity_check, every vector against its checksum, Lucene CheckIndex); slower.",
    };

    private readonly Option<bool> _repair = new("--repair-consistency") { Description = "List what would make the indexes match the registry (a dry run); add --auto-fix to do it." };
    private readonly Option<bool> _autoFix = new("--auto-fix") { Description = "With --repair-consistency: fix the indexes from stored chunks and embeddings (never re-embeds)." };
    private readonly Option<bool> _allowDeleteAll = new("--allow-delete-all")
    {
        Description = "With --repair-consistency --auto-fix: allow deleting every entry of an index (refused otherwise, as when the registry was lost: use --rebuild-registry).",
    };

    private readonly Option<string?> _backup = new("--backup")
    {
        Description = "Back up the data folder: to an archive when the path ends in .tar.gz, else into that folder as docpipeline-<time>.tar.gz. Safe while ingestion runs.",
    };

    private readonly Option<string> _backupFormat = new Option<string>("--backup-format")
    {
        Description = "With --backup into a folder: archive (one .tar.gz file) or folder (plain files).",
        DefaultValueFactory = _ => "archive",
    }.AcceptOnlyFromAmong("archive", "folder");

    private readonly Option<string?> _restore = new("--restore")
    {
        Description = "Restore the data folder from a backup (an archive, a backup folder, or a folder of backups: the newest). Stop every process using the data folder first.",
    };

    private readonly Option<string?> _rebuild = new Option<string?>("--rebuild-index")
    {
        Description = "Write an index again from stored chunks and embeddings (no re-embedding), beside the live one, then swap it in: vector, keyword or both.",
    }.AcceptOnlyFromAmong("vector", "keyword", "both");

    public ManageConsistency(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in (Option[])[_verify, _deep, _repair, _autoFix, _allowDeleteAll, _backup, _backupFormat, _restore, _rebuild])
        {
            command.Options.Add(option);
        }
    }

    public IEnumerable<string> GivenActions(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetValue(_verify))
        {
            yield return "--verify-consistency";
        }

        if (result.GetValue(_repair))
        {
            yield return "--repair-consistency";
        }

        if (result.GetValue(_backup) is not null)
        {
            yield return "--backup";
        }

        if (result.GetValue(_restore) is not null)
        {
            yield return "--restore";
        }

        if (result.GetValue(_rebuild) is not null)
        {
            yield return "--rebuild-index";
        }
    }

    public void Validate(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetValue(_autoFix) && !result.GetValue(_repair))
        {
            result.AddError("--auto-fix goes with --repair-consistency.");
        }

        if (result.GetValue(_allowDeleteAll) && !result.GetValue(_autoFix))
        {
            result.AddError("--allow-delete-all goes with --repair-consistency --auto-fix.");
        }

        if (result.GetValue(_deep) && !result.GetValue(_verify))
        {
            result.AddError("--deep goes with --verify-consistency.");
        }

        if (result.GetResult(_backupFormat) is { Implicit: false } && result.GetValue(_backup) is null)
        {
            result.AddError("--backup-format goes with --backup.");
        }
    }

    public bool Handles(ParseResult parse) => GivenActions(parse.CommandResult).Any();

    public Task<int> RunAsync(CliOptions common, ParseResult parse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(common);
        ArgumentNullException.ThrowIfNull(parse);
        var restore = parse.GetValue(_restore) is not null;
        return CommandRunner.RunAsync(common, parse, async (services, output, ct) =>
        {
            var maintenance = services.GetRequiredService<IIndexMaintenance>();
            try
            {
                if (parse.GetValue(_verify))
                {
                    var report = await maintenance.VerifyAsync(new VerifyOptions { Deep = parse.GetValue(_deep) }, ct);
                    ConsistencyView.Report(report, output);
                    return !report.IsIntact ? ExitCodes.Storage : report.IsConsistent ? ExitCodes.Success : ExitCodes.PartialFailure;
                }

                if (parse.GetValue(_repair))
                {
                    var repair = await maintenance.RepairAsync(new RepairOptions { AutoFix = parse.GetValue(_autoFix), AllowDeleteAll = parse.GetValue(_allowDeleteAll) }, ct);
                    ConsistencyView.Repair(repair, output);
                    return (repair.After ?? repair.Before).IsConsistent ? ExitCodes.Success : ExitCodes.PartialFailure;
                }

                if (parse.GetValue(_backup) is { } destination)
                {
                    var format = parse.GetValue(_backupFormat) == "folder" ? BackupFormat.Folder : BackupFormat.Archive;
                    ConsistencyView.Backup(await maintenance.BackupAsync(new BackupOptions { Destination = destination, Format = format }, ct), output);
                    return ExitCodes.Success;
                }

                if (parse.GetValue(_restore) is { } source)
                {
                    ConsistencyView.Restore(await maintenance.RestoreAsync(new RestoreOptions { Source = source }, ct), output);
                    return ExitCodes.Success;
                }

                var target = parse.GetValue(_rebuild) switch
                {
                    "vector" => RebuildTarget.Vector,
                    "keyword" => RebuildTarget.Keyword,
                    _ => RebuildTarget.Both,
                };
                var rebuilt = await maintenance.RebuildAsync(target, ct);
                ConsistencyView.Rebuild(rebuilt, output);
                return rebuilt.After.IsConsistent ? ExitCodes.Success : ExitCodes.PartialFailure;
            }
            catch (InvalidBackupException ex)
            {
                return output.Error(ex.Message, ExitCodes.Usage);
            }
            catch (NotSupportedException ex)
            {
                return output.Error(ex.Message, ExitCodes.Usage);
            }
        }, cancellationToken, requireExistingData: !restore, readOnly: parse.GetValue(_verify));
    }
}
