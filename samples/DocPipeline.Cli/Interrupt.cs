using System.Runtime.InteropServices;

namespace DocPipeline.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM: the first one cancels the command, which gives its running jobs back and says what
/// became of the jobs before exiting with 130; a second one exits at once.
/// </summary>
internal sealed class Interrupt : IDisposable
{
    /// <summary>The exit code of an interrupted command (128 + SIGINT, as shells report it).</summary>
    public const int ExitCode = 130;

    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    public Interrupt()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>Gets a token that fires on the first signal.</summary>
    public CancellationToken Token => _cancel.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) > 1)
        {
            Console.Error.WriteLine("docpipe: interrupted again; quitting at once. Jobs still running are given back when their lease expires.");
            Environment.Exit(ExitCode);
        }

        Console.Error.WriteLine("docpipe: interrupted; giving running jobs back (Ctrl-C again quits at once).");
        _cancel.Cancel();
    }
}
