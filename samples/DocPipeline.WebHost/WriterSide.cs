using System.Globalization;
using System.Text.Json;
using DocPipeline.Configuration;
using Microsoft.Extensions.Options;

namespace DocPipeline.WebHost;

/// <summary>
/// The host's writing DocPipeline container, built only while it has something to write and disposed once idle, so the
/// host never keeps the data folder from another writer (a <c>docpipe batch</c>): only one process writes a data
/// folder (its <c>writer.lock</c>), and a container holds the folder for as long as it is open. Every change that
/// touches the indexes (ingest, remove, repair, backup, the queue's jobs) runs through <see cref="RunAsync{T}"/>;
/// while another process writes the folder it answers <see cref="FolderBusyException"/> (a 409 problem) instead of
/// waiting without end. Reads never need it (<see cref="ReadSide"/>); the job store is shared by every process.
/// </summary>
public sealed partial class WriterSide : IAsyncDisposable
{
    /// <summary>The data folder's writer lock (see the library's DataFolderLayout), and the file naming its holder.</summary>
    private const string LockFileName = "writer.lock";
    private const string OwnerFileName = "writer.json";

    /// <summary>How long a container stays open after its last operation, for the next one to reuse.</summary>
    private static readonly TimeSpan IdleTime = TimeSpan.FromSeconds(2);

    private readonly Func<ServiceProvider> _build;
    private readonly string _dataDirectory;
    private readonly ILogger<WriterSide> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private ServiceProvider? _provider;
    private int _users;
    private long _generation;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="WriterSide"/> class from the host's configuration and options.</summary>
    public WriterSide(IConfiguration configuration, IOptions<DocPipelineOptions> options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var data = options.Value.DataDirectory;
        _dataDirectory = Path.GetFullPath(data);
        _logger = loggerFactory.CreateLogger<WriterSide>();
        _build = () => WebHostEmbedder.Build(configuration, loggerFactory, data, readOnly: false);
    }

    /// <summary>Gets a value indicating whether this host has its writing container open (and so writes the folder).</summary>
    public bool IsOpen => Volatile.Read(ref _provider) is not null;

    /// <summary>
    /// Says who writes the data folder when it is not this host: the process named in the folder's owner file, or
    /// <see langword="null"/> when no other process holds the folder's writer lock.
    /// </summary>
    public string? OtherWriter()
    {
        if (IsOpen || !IsLockHeld())
        {
            return null;
        }

        try
        {
            using var owner = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dataDirectory, OwnerFileName)));
            var root = owner.RootElement;
            return string.Create(
                CultureInfo.InvariantCulture,
                $"process {root.GetProperty("process_id").GetInt32()} on {root.GetProperty("host").GetString()} ({root.GetProperty("command").GetString()})");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "another process";
        }
    }

    /// <summary>
    /// Runs <paramref name="operation"/> with a service of the writing container, opening the container when it is not
    /// open; the container closes (releasing the folder) once no operation has used it for a moment. The operation gets
    /// <paramref name="cancellationToken"/>, also cancelled when the host stops.
    /// </summary>
    /// <exception cref="FolderBusyException">Another process writes the data folder.</exception>
    public async Task<T> RunAsync<TService, T>(Func<TService, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(operation);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var provider = await AcquireAsync(linked.Token).ConfigureAwait(false);
        try
        {
            return await operation(provider.GetRequiredService<TService>(), linked.Token).ConfigureAwait(false);
        }
        finally
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // Operations still running (an ingest waiting on a paused queue) stop first; the container closes after them.
        await _stopping.CancelAsync().ConfigureAwait(false);
        for (var waited = 0; Volatile.Read(ref _users) > 0 && waited < 600; waited++)
        {
            await Task.Delay(100).ConfigureAwait(false);
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            if (Interlocked.Exchange(ref _provider, null) is { } provider)
            {
                await provider.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ServiceProvider> AcquireAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_provider is null)
            {
                if (IsLockHeld())
                {
                    throw new FolderBusyException(OtherWriter() ?? "another process");
                }

                Volatile.Write(ref _provider, _build());
                LogOpened(_logger, _dataDirectory);
            }

            _users++;
            _generation++;
            return _provider;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReleaseAsync()
    {
        long generation;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _users--;
            generation = _generation;
        }
        finally
        {
            _gate.Release();
        }

        _ = CloseWhenIdleAsync(generation);
    }

    /// <summary>Closes the container when nothing used it since <paramref name="generation"/>, after <see cref="IdleTime"/>.</summary>
    private async Task CloseWhenIdleAsync(long generation)
    {
        await Task.Delay(IdleTime).ConfigureAwait(false);
        ServiceProvider? closing = null;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_users == 0 && _generation == generation && _provider is not null)
            {
                closing = _provider;
                Volatile.Write(ref _provider, null);
            }

            if (closing is not null)
            {
                // Disposed under the gate: the next operation opens the folder only after this one let it go.
                await closing.DisposeAsync().ConfigureAwait(false);
                LogClosed(_logger, _dataDirectory);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Whether a process (another one, or this one's open container) holds the folder's writer lock now.</summary>
    private bool IsLockHeld()
    {
        var path = Path.Combine(_dataDirectory, LockFileName);
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "The web host opened the data folder '{Directory}' for writing.")]
    private static partial void LogOpened(ILogger logger, string directory);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "The web host closed the data folder '{Directory}' for writing; another process may write it now.")]
    private static partial void LogClosed(ILogger logger, string directory);
}

/// <summary>A change refused because another process writes the data folder (answered as 409 with the writer named).</summary>
public sealed class FolderBusyException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="FolderBusyException"/> class.</summary>
    public FolderBusyException()
        : this("another process")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FolderBusyException"/> class naming the writer.</summary>
    public FolderBusyException(string writer)
        : base($"Another process is writing the data folder: {writer}. Only one process writes a data folder; try again when it has finished. Reading goes on meanwhile.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="FolderBusyException"/> class.</summary>
    public FolderBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
