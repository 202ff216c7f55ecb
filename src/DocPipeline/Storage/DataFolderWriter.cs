using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using DocPipeline.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Storage;

/// <summary>
/// Makes one process at a time the writer of a data folder whose embedded indexes (Lucene, the embedded vector index)
/// allow a single writer: a second process that wants to write waits its turn here, naming the writer, instead of
/// failing on <c>write.lock</c> or <c>vectors.lock</c> in the middle of its jobs.
/// </summary>
/// <remarks>
/// <para>Why wait rather than hand the jobs over: the writer that holds the folder is often a <c>docpipe batch</c>
/// that exits when its own batch is done, so jobs handed to it could be left with no process to run them; and jobs
/// queued while another run goes on would supersede that run's pending jobs of the same documents. A second writer
/// that starts after the first has finished sees the first one's fingerprints and skips what is already indexed, so
/// every document is processed once, and neither run loses or fails anything.</para>
/// <para>The lock is <see cref="FileName"/> in the data folder, held as an operating-system lock on the open file (so
/// it is released when the process ends, however it ends); who holds it (process id, host, since when, command line)
/// is written beside it in <see cref="OwnerFileName"/>, which a waiting process reads to say whom it waits for.</para>
/// <para>Only the embedded single-writer indexes ask for the lock (<see cref="Require"/>); with backends that take
/// many writers (PostgreSQL, Qdrant) entering is free. The lock is taken on the first write of the process and held
/// until the container is disposed, since the indexes keep their own write locks until then. Containers of one
/// process on the same folder share it. Readers never take it (see <see cref="DocPipelineOptions.ReadOnly"/>).</para>
/// </remarks>
internal sealed partial class DataFolderWriter : IDisposable
{
    /// <summary>The name of the lock file in the data folder.</summary>
    public const string FileName = Consistency.DataFolderLayout.WriterLockFileName;

    /// <summary>The name of the file beside the lock that says who holds it.</summary>
    public const string OwnerFileName = Consistency.DataFolderLayout.WriterOwnerFileName;

    private static readonly ConcurrentDictionary<string, SharedLock> Held = new(StringComparer.Ordinal);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly string _directory;
    private readonly bool _readOnly;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _enter = new(1, 1);
    private volatile bool _required;
    private SharedLock? _held;
    private volatile bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="DataFolderWriter"/> class for the configured data folder.</summary>
    public DataFolderWriter(IOptions<DocPipelineOptions> options, TimeProvider time, ILogger<DataFolderWriter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _directory = Path.GetFullPath(options.Value.DataDirectory);
        _readOnly = options.Value.ReadOnly;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Gets a value indicating whether this container holds the folder's writer lock.</summary>
    public bool IsHeld => Volatile.Read(ref _held) is not null;

    /// <summary>Gets the full path of the lock file.</summary>
    public string LockPath => Path.Combine(_directory, FileName);

    /// <summary>Says that a store of this container allows one writing process per folder, so writes must enter first.</summary>
    public void Require()
    {
        if (!_readOnly)
        {
            _required = true;
        }
    }

    /// <summary>
    /// Returns once this process is the folder's writer: at once when it already is, or when no store needs it;
    /// otherwise after the process holding the lock has closed the folder, logging once whom it waits for.
    /// </summary>
    /// <exception cref="InvalidOperationException">The pipeline was opened read-only.</exception>
    /// <exception cref="OperationCanceledException">The wait was cancelled.</exception>
    public async Task EnterAsync(CancellationToken cancellationToken)
    {
        if (_readOnly)
        {
            throw new InvalidOperationException(ReadOnlyMessage);
        }

        if (!_required || IsHeld)
        {
            return;
        }

        await _enter.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var waitingSince = (long?)null;
            while (_held is null)
            {
                if (TryTakeLock())
                {
                    if (waitingSince is { } started)
                    {
                        LogEntered(_logger, _directory, _time.GetElapsedTime(started).TotalSeconds);
                    }

                    break;
                }

                if (waitingSince is null)
                {
                    waitingSince = _time.GetTimestamp();
                    LogWaiting(_logger, _directory, DescribeOwner(_directory));
                }

                await Task.Delay(PollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _enter.Release();
        }
    }

    /// <summary>
    /// Makes this process the folder's writer if no other process is (like <see cref="EnterAsync"/>, without waiting):
    /// true when this container holds the lock afterwards, or when no store needs it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The pipeline was opened read-only.</exception>
    public bool TryEnter()
    {
        if (_readOnly)
        {
            throw new InvalidOperationException(ReadOnlyMessage);
        }

        if (!_required || IsHeld)
        {
            return true;
        }

        // Another thread of this container is entering (and waiting): the folder is not free now.
        if (!_enter.Wait(0))
        {
            return IsHeld;
        }

        try
        {
            return TryTakeLock();
        }
        finally
        {
            _enter.Release();
        }
    }

    /// <summary>
    /// Takes the lock file when no other process holds it (the caller holds <c>_enter</c>); true when this container
    /// holds it afterwards. A lock taken while the container was being disposed is let go again.
    /// </summary>
    private bool TryTakeLock()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_held is null && SharedLock.TryTake(_directory, _time) is { } taken)
        {
            if (_disposed)
            {
                taken.Release();
                ObjectDisposedException.ThrowIf(true, this);
            }

            _held = taken;
        }

        return _held is not null;
    }

    /// <summary>Describes who holds the folder's writer lock, from <see cref="OwnerFileName"/>, or says that it is not known.</summary>
    public static string DescribeOwner(string dataDirectory)
    {
        try
        {
            var owner = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(dataDirectory, OwnerFileName)), WriterOwnerJsonContext.Default.WriterOwner);
            if (owner is not null)
            {
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"process {owner.ProcessId} on host {owner.Host}, writing since {owner.Since:yyyy-MM-dd HH:mm:ss}Z ({owner.Command})");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            // Being written or removed just now: the message says less, the wait is the same.
        }

        return "another process (its owner file is not readable yet)";
    }

    /// <summary>The message of a write refused because the pipeline was opened read-only.</summary>
    internal const string ReadOnlyMessage =
        "This DocPipeline was opened read-only (DocPipeline:ReadOnly): it searches, lists and verifies the data folder beside the " +
        "process that writes it, but writes nothing. Use a pipeline opened for writing.";

    /// <summary>Releases the lock (when this is the last container of the process holding it); a wait still running stops.</summary>
    public void Dispose()
    {
        _disposed = true;
        Interlocked.Exchange(ref _held, null)?.Release();
    }

    [LoggerMessage(EventId = 1900, Level = LogLevel.Warning, Message = "Waiting for the data folder '{Directory}': it is being written by {Owner}. Only one process writes a folder; this one starts when that one finishes.")]
    private static partial void LogWaiting(ILogger logger, string directory, string owner);

    [LoggerMessage(EventId = 1901, Level = LogLevel.Information, Message = "The data folder '{Directory}' is free after {Seconds:0.0} s; this process writes it now.")]
    private static partial void LogEntered(ILogger logger, string directory, double seconds);

    /// <summary>The lock file of one folder, open once per process and shared by the containers that entered.</summary>
    private sealed class SharedLock(string directory, FileStream stream)
    {
        private int _users = 1;

        public static SharedLock? TryTake(string directory, TimeProvider time)
        {
            while (true)
            {
                if (Held.TryGetValue(directory, out var existing))
                {
                    if (existing.TryAddUser())
                    {
                        return existing;
                    }

                    continue;
                }

                Directory.CreateDirectory(directory);
                FileStream stream;
                try
                {
                    // FileShare.None: an exclusive lock (flock on Unix) for as long as the file is open.
                    stream = new FileStream(Path.Combine(directory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
                }
                catch (IOException)
                {
                    return null;
                }

                var taken = new SharedLock(directory, stream);
                if (!Held.TryAdd(directory, taken))
                {
                    stream.Dispose();
                    continue;
                }

                WriteOwner(directory, time);
                return taken;
            }
        }

        public void Release()
        {
            lock (this)
            {
                if (--_users > 0)
                {
                    return;
                }
            }

            Held.TryRemove(new KeyValuePair<string, SharedLock>(directory, this));
            try
            {
                File.Delete(Path.Combine(directory, OwnerFileName));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The lock below is what counts; a stale owner file is overwritten by the next writer.
            }

            stream.Dispose();
        }

        private bool TryAddUser()
        {
            lock (this)
            {
                if (_users == 0)
                {
                    return false;
                }

                _users++;
                return true;
            }
        }

        private static void WriteOwner(string directory, TimeProvider time)
        {
            var owner = new WriterOwner(
                Environment.ProcessId,
                Environment.MachineName,
                time.GetUtcNow().UtcDateTime,
                string.Join(' ', Environment.GetCommandLineArgs().Select(Path.GetFileName)));
            var path = Path.Combine(directory, OwnerFileName);
            var temporary = path + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
            try
            {
                File.WriteAllText(temporary, JsonSerializer.Serialize(owner, WriterOwnerJsonContext.Default.WriterOwner));
                File.Move(temporary, path, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Only a courtesy for whoever waits; the lock is held either way.
            }
        }
    }
}
