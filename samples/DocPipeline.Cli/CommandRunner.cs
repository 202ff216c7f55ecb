using DocPipeline.Embeddings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocPipeline.Cli;

/// <summary>Runs a command against a pipeline and turns the errors users can fix into clear messages and exit codes.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(
        CliOptions common,
        System.CommandLine.ParseResult parse,
        Func<IServiceProvider, CliOutput, CancellationToken, Task<int>> command,
        CancellationToken cancellationToken,
        bool requireExistingData = false)
    {
        var output = new CliOutput(parse.GetValue(common.Json));
        var data = Path.GetFullPath(parse.GetValue(common.Data)!);
        if (requireExistingData && !Directory.Exists(data))
        {
            return output.Error($"There is no data folder at '{data}'. Run 'docpipe batch --src <files>' first, or pass --data.", ExitCodes.Usage);
        }

        try
        {
            await using var provider = await PipelineHost.BuildAsync(data, parse.GetValue(common.Embedder), cancellationToken);
            return await command(provider, output, cancellationToken);
        }
        catch (EmbedderMismatchException ex)
        {
            return output.Error(ex.Message, ExitCodes.Usage);
        }
        catch (OptionsValidationException ex)
        {
            return output.Error(ex.Message, ExitCodes.Usage);
        }
        catch (DocPipelineStorageException ex)
        {
            return output.Error(ex.Message, ExitCodes.Storage);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return output.Error("Stopped. Queued jobs stay queued: run 'docpipe batch --resume-jobs' to finish them.", 130);
        }
    }
}
