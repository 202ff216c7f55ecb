using System.CommandLine;
using System.CommandLine.Parsing;

namespace DocPipeline.Cli.Commands;

/// <summary>A group of <c>docpipe manage</c> actions: adds its options to the command and runs the one given.</summary>
internal interface IManageActions
{
    /// <summary>Names the actions of this group present on the command line (for example <c>--add</c>).</summary>
    IEnumerable<string> GivenActions(CommandResult result);

    /// <summary>Checks the options that go with the given action.</summary>
    void Validate(CommandResult result);

    /// <summary>Whether the parsed command line holds one of this group's actions.</summary>
    bool Handles(ParseResult parse);

    /// <summary>Runs the action.</summary>
    Task<int> RunAsync(CliOptions common, ParseResult parse, CancellationToken cancellationToken);
}
