using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace DocPipeline.PostgreSql.Tests.MultiWorker;

/// <summary>A <c>DocPipeline.PostgreSql.TestWorker</c> process: a worker of its own, sharing the test's schema.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private readonly Process _process;
    private readonly StringBuilder _errors = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>Gets what the worker wrote to stderr (its warnings and errors).</summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>Gets the text that lease owners of this process contain (<c>machine/pid/…</c>).</summary>
    public string OwnerPart => string.Create(CultureInfo.InvariantCulture, $"/{_process.Id}/");

    /// <summary>Gets how many times the worker logged that it lost a lease while running a job.</summary>
    public int LeasesLost
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString().Split('\n').Count(l => l.Contains("Lost the lease", StringComparison.Ordinal));
            }
        }
    }

    public static WorkerProcess Start(string connectionString, string schema, string dataDirectory, TimeSpan extraPerJob) =>
        Run(connectionString, schema, dataDirectory, ((int)extraPerJob.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));

    /// <summary>Starts a worker whose vector index is the Qdrant collection <paramref name="collection"/> at <paramref name="qdrant"/>.</summary>
    public static WorkerProcess Start(string connectionString, string schema, string dataDirectory, TimeSpan extraPerJob, Uri qdrant, string collection) =>
        Run(connectionString, schema, dataDirectory, ((int)extraPerJob.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), qdrant.ToString(), collection);

    /// <summary>Starts a process that keeps one core busy for at most <paramref name="bound"/> (disposing it kills it earlier).</summary>
    public static WorkerProcess StartBusy(TimeSpan bound) => Run("burn", ((int)bound.TotalSeconds).ToString(CultureInfo.InvariantCulture));

    private static WorkerProcess Run(params string[] arguments) => new(Process.Start(Dotnet("DocPipeline.PostgreSql.TestWorker.dll", arguments))!);

    /// <summary>How to run <paramref name="assembly"/> of the test's output folder with the same dotnet host, its standard streams redirected.</summary>
    internal static ProcessStartInfo Dotnet(string assembly, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>Waits until the worker created or found every table and started its queue.</summary>
    public async Task WaitReadyAsync()
    {
        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(Patience);
        Assert.True(line == "ready", $"worker {Id} said '{line}' instead of 'ready': {Errors}");
    }

    /// <summary>Ends the worker at once with SIGKILL: no shutdown, no lease given back.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(Patience);
    }

    /// <summary>Asks the worker to stop (it gives running jobs back) and waits for a clean exit.</summary>
    public async Task StopAsync()
    {
        await _process.StandardInput.WriteLineAsync("stop");
        await _process.StandardInput.FlushAsync();
        var output = await _process.StandardOutput.ReadToEndAsync().WaitAsync(Patience);
        await _process.WaitForExitAsync().WaitAsync(Patience);
        Assert.True(_process.ExitCode == 0 && output.Contains("stopped", StringComparison.Ordinal), $"worker {Id} exited with {_process.ExitCode}: {output} {Errors}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
