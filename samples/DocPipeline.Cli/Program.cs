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
return await root.Parse(args).InvokeAsync();
