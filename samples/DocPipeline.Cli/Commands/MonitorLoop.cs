using DocPipeline.Monitoring;
using Spectre.Console;

namespace DocPipeline.Cli.Commands;

/// <summary>
/// Refreshes a monitor view: a full-screen Spectre.Console live display on a terminal (<c>q</c> quits), one plain line
/// (or block) per interval when output is redirected, one JSON object per interval with <c>--json</c>; once with <c>--once</c>.
/// </summary>
internal static class MonitorLoop
{
    public static async Task<int> RunAsync(IPipelineMonitor monitor, MonitorView view, CliOutput output, bool once, TimeSpan interval, CancellationToken cancellationToken)
    {
        if (!once && !output.IsJson && CliOutput.IsInteractive)
        {
            await LiveAsync(monitor, view, interval, cancellationToken);
            return ExitCodes.Success;
        }

        while (true)
        {
            var snapshot = await monitor.GetSnapshotAsync(cancellationToken);
            if (output.IsJson)
            {
                CliJson.Write(MonitorText.Json(view, snapshot));
            }
            else if (view == MonitorView.Live && !once)
            {
                output.Line(MonitorText.Line(snapshot));
            }
            else
            {
                foreach (var line in MonitorText.Lines(view, snapshot))
                {
                    output.Line(line);
                }
            }

            if (once || await QuitRequestedAsync(interval, cancellationToken))
            {
                return ExitCodes.Success;
            }
        }
    }

    private static async Task LiveAsync(IPipelineMonitor monitor, MonitorView view, TimeSpan interval, CancellationToken cancellationToken)
    {
        AnsiConsole.Clear();
        await AnsiConsole.Live(Render(view, await monitor.GetSnapshotAsync(cancellationToken)))
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .StartAsync(async context =>
            {
                while (!await QuitRequestedAsync(interval, cancellationToken))
                {
                    context.UpdateTarget(Render(view, await monitor.GetSnapshotAsync(cancellationToken)));
                    context.Refresh();
                }
            });
    }

    private static Panel Render(MonitorView view, MonitorSnapshot snapshot) =>
        new Panel(new Rows(MonitorText.Lines(view, snapshot).Select(line => new Text(line))))
            .Header($"docpipe monitor ({view.ToString().ToLowerInvariant()}) - {snapshot.At.ToLocalTime():HH:mm:ss} - q quits")
            .Expand();

    /// <summary>Waits <paramref name="interval"/>; returns early with <see langword="true"/> when <c>q</c> is pressed on a terminal, or when cancelled.</summary>
    private static async Task<bool> QuitRequestedAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + interval;
        while (DateTime.UtcNow < until)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return true;
            }

            if (!Console.IsInputRedirected && Console.KeyAvailable && Console.ReadKey(intercept: true).Key is ConsoleKey.Q or ConsoleKey.Escape)
            {
                return true;
            }

            try
            {
                await Task.Delay(Min(until - DateTime.UtcNow, TimeSpan.FromMilliseconds(50)), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return true;
            }
        }

        return false;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? (a > TimeSpan.Zero ? a : TimeSpan.Zero) : b;
}
