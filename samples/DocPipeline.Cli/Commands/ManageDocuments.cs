using System.CommandLine;
using System.CommandLine.Parsing;

namespace DocPipeline.Cli.Commands;

/// <summary>
/// The document actions of <c>docpipe manage</c> (add, update, remove, list, stats). Empty until the
/// lifecycle work lands; <c>manage</c> is not registered in Program.cs before then.
/// </summary>
internal sealed class ManageDocuments : IManageActions
{
    public ManageDocuments(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
    }

    public IEnumerable<string> GivenActions(CommandResult result) => [];

    public void Validate(CommandResult result)
    {
    }

    public bool Handles(ParseResult parse) => false;

    public Task<int> RunAsync(CliOptions common, ParseResult parse, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("No document action was given.");
}
