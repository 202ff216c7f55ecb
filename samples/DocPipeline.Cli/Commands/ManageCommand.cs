using System.CommandLine;

namespace DocPipeline.Cli.Commands;

/// <summary>
/// <c>docpipe manage</c>: one action per call. Document actions (add, update, remove, list, stats) live in
/// <see cref="ManageDocuments"/>; index consistency actions (verify, repair, backup, restore, rebuild) in
/// <see cref="ManageConsistency"/>.
/// </summary>
internal static class ManageCommand
{
    public static Command Create(CliOptions common)
    {
        var command = new Command("manage", "Manage documents and the indexes one action at a time.");
        IManageActions[] groups = [new ManageDocuments(command), new ManageConsistency(command), new ManageRegistry(command), new ManageHistory(command), new ManageMigration(command)];
        command.Validators.Add(result =>
        {
            var actions = groups.SelectMany(g => g.GivenActions(result)).ToList();
            if (actions.Count == 0)
            {
                result.AddError("Give one action: --add, --update, --remove, --list, --stats, --verify-consistency, --repair-consistency, --backup, --restore, --rebuild-index, --rebuild-registry, --history, --migrate-embedder, --migration-status, --migration-rollback or --migration-cleanup.");
            }
            else if (actions.Count > 1)
            {
                result.AddError($"Give one action at a time, not {string.Join(" and ", actions)}.");
            }
            else
            {
                foreach (var group in groups)
                {
                    group.Validate(result);
                }
            }
        });
        command.SetAction((parse, cancellationToken) => groups.First(g => g.Handles(parse)).RunAsync(common, parse, cancellationToken));
        return command;
    }
}
