using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DocPipeline.Cli.Commands;

/// <summary>
/// Runs a command that needs only the data folder's stores (<c>docpipe jobs …</c>, <c>manage --history</c>): the
/// command resolves the one or two stores it reads; no index or embedder is opened and no lock is taken, so these
/// commands work beside a running batch, worker or web host.
/// </summary>
internal static class StoreRunner
{
    public static async Task<int> RunAsync(
        CliOptions common,
        System.CommandLine.ParseResult parse,
        Func<IServiceProvider, CliOutput, CancellationToken, Task<int>> command,
        CancellationToken cancellationToken)
    {
        var output = new CliOutput(parse.GetValue(common.Json));
        var verbose = parse.GetValue(common.Verbose) || PipelineHost.DebugRequested;
        var data = Path.GetFullPath(parse.GetValue(common.Data)!);
        if (!Directory.Exists(data))
        {
            return output.Error($"There is no data folder at '{data}'. Run 'docpipe batch --src <files>' first, or pass --data.", ExitCodes.Usage);
        }

        try
        {
            var services = new ServiceCollection();
            services.AddLogging(logging => logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning));
            services.AddDocPipeline(o => o.DataDirectory = data);
            await using var provider = services.BuildServiceProvider();
            return await command(provider, output, cancellationToken);
        }
        catch (Exception ex) when (ex is DocPipelineStorageException or IOException or UnauthorizedAccessException)
        {
            return output.Error(verbose ? ex.ToString() : ex.Message, ExitCodes.Storage);
        }
        catch (NotSupportedException ex)
        {
            return output.Error(ex.Message, ExitCodes.Usage);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return output.Error("Interrupted.", Interrupt.ExitCode);
        }
    }
}
