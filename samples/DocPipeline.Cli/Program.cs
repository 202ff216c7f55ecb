using System.CommandLine;
using DocPipeline.Cli;
using DocPipeline.Cli.Commands;

var common = new CliOptions();
var root = new RootCommand("docpipe: keep a vector index and a keyword index in step with your documents.")
{
    common.Data,
    common.Config,
    common.Set,
    common.Json,
    common.Embedder,
    common.Verbose,
};
root.Subcommands.Add(BatchCommand.Create(common));
root.Subcommands.Add(SearchCommand.Create(common));
root.Subcommands.Add(ManageCommand.Create(common));
root.Subcommands.Add(ConfigCommand.Create(common));
root.Subcommands.Add(JobsCommand.Create(common));
root.Subcommands.Add(MonitorCommand.Create(common));

var parse = root.Parse(args);
if (parse.Errors.Count > 0 && parse.Action is not { ClearsParseErrors: true })
{
    // Bad usage exits with 2 (System.CommandLine would print the help and exit with 1), and --json still gets one object.
    var message = string.Join(" ", parse.Errors.Select(e => e.Message)) + " Run 'docpipe --help' for usage.";
    return new CliOutput(parse.GetValue(common.Json)).Error(message, ExitCodes.Usage);
}

// Ctrl-C is handled here rather than by System.CommandLine, which exits 2 s after the signal: the command needs the
// time to give its running jobs back and say so.
using var interrupt = new Interrupt();
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, interrupt.Token);
