using System.Diagnostics;

namespace DocPipeline.PostgreSql.Tests.MultiWorker;

/// <summary>The Qdrant emulator (a test double of the server) in a process of its own, served on a loopback port.</summary>
internal sealed class EmulatorProcess : IDisposable
{
    private readonly Process _process;

    private EmulatorProcess(Process process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static async Task<EmulatorProcess> StartAsync()
    {
        var process = Process.Start(WorkerProcess.Dotnet("DocPipeline.Qdrant.Emulator.dll", "0"))!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(line?.StartsWith("listening ", StringComparison.Ordinal), $"the emulator said '{line}' instead of 'listening <endpoint>'");
        return new EmulatorProcess(process, new Uri(line!["listening ".Length..]));
    }

    /// <summary>Closes its stdin (it stops by itself) and kills it if it still runs.</summary>
    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
