using System.CommandLine;
using DocPipeline.Cli;
using DocPipeline.Cli.Commands;

var common = new CliOptions();
var root = new RootCommand("docpipe: keep a vector index and a keyword index in step with your documents.")
{
    common.Data,
    common.Json,
    common.Embedder,
};
root.Subcommands.Add(BatchCommand.Create(common));
root.Subcommands.Add(SearchCommand.Create(common));
root.Subcommands.Add(ManageCommand.Create(common));

var parse = root.Parse(args);
if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
{
    // Usage errors get exit code 2 and, with --json, a JSON object too, like every other error.
    var output = new CliOutput(parse.GetValue(common.Json));
    return output.Error(string.Join(" ", parse.Errors.Select(e => e.Message)) + " (see 'docpipe --help')", ExitCodes.Usage);
}

return await parse.InvokeAsync();
