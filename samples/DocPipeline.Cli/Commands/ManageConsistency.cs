using System.CommandLine;
using System.CommandLine.Parsing;

namespace DocPipeline.Cli.Commands;

/// <summary>
/// The index consistency actions of <c>docpipe manage</c> (verify, repair, backup, restore, rebuild). Empty until the
/// consistency work lands; <c>manage</c> is not registered in Program.cs before then.
/// </summary>
internal sealed class ManageConsistency : IManageActions
{
    public ManageConsistency(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
    }

    public IEnumerable<string> GivenActions(CommandResult result) => [];

    public void Validate(CommandResult result)
    {
    }

    public bool Handles(ParseResult parse) => false;

    public Task<int> RunAsync(CliOptions common, ParseResult parse, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("No consistency action was given.");
}
