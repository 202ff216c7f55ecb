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
        bool requireExistingData = false,
        bool readOnly = false,
        Func<string, CancellationToken, Task<string?>>? chooseEmbedder = null)
    {
        var output = new CliOutput(parse.GetValue(common.Json));
        var verbose = parse.GetValue(common.Verbose) || PipelineHost.DebugRequested;
        if (Configuration.CliConfiguration.TryLoad(common, parse, output) is not { } configuration)
        {
            return ExitCodes.Usage;
        }

        var data = configuration.DataDirectory;
        if (requireExistingData && !Directory.Exists(data))
        {
            return output.Error($"There is no data folder at '{data}'. Run 'docpipe batch --src <files>' first, or pass --data.", ExitCodes.Usage);
        }

        try
        {
            // An action may pick the embedder itself (an embedder migration loads the one it migrates to or from).
            var embedder = (chooseEmbedder is null ? null : await chooseEmbedder(data, cancellationToken)) ?? parse.GetValue(common.Embedder);
            await using var provider = await PipelineHost.BuildAsync(data, configuration.Root, embedder, verbose, cancellationToken, readOnly);
            using var released = new ReleasedJobCounter();
            try
            {
                var exitCode = await command(provider, output, cancellationToken);
                provider.GetService<CliLogFormatter.HeldErrors>()?.Print();
                return exitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                provider.GetService<CliLogFormatter.HeldErrors>()?.Print();
                // The queue has stopped: its running jobs were given back (pending again, attempt not counted).
                var counts = await provider.GetRequiredService<IDocPipeline>().GetQueueStatusAsync(CancellationToken.None);
                var queued = Math.Max(0, counts.Pending - released.Released);
                return output.Error(
                    $"Interrupted: {released.Released} running jobs given back, {queued} queued jobs stay queued; 'docpipe batch --resume-jobs' finishes them.",
                    Interrupt.ExitCode);
            }
        }
        catch (EmbedderMismatchException ex)
        {
            return output.Error(ex.Message, ExitCodes.Usage);
        }
        catch (OptionsValidationException ex)
        {
            return output.Error(ex.Message, ExitCodes.Usage);
        }
        catch (ArgumentOutOfRangeException ex) when (ex.ParamName == "options")
        {
            // An option DocPipeline refused before doing anything; the message names it.
            return output.Error(ex.Message, ExitCodes.Usage);
        }
        catch (Exception ex) when (ex is DocPipelineStorageException or IOException or UnauthorizedAccessException)
        {
            // The message says what is wrong and what to do; the stack trace is for --verbose.
            return output.Error(verbose ? ex.ToString() : ex.Message, ExitCodes.Storage);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return output.Error("Interrupted before any job ran. Queued jobs stay queued: 'docpipe batch --resume-jobs' finishes them.", Interrupt.ExitCode);
        }
    }
}
