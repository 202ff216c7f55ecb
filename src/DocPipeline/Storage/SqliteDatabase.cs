using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace DocPipeline.Storage;

/// <summary>
/// A SQLite file opened for DocPipeline's stores: WAL journal, busy timeout, and a single writer per process that
/// groups concurrent writes into one transaction (group commit).
/// </summary>
/// <remarks>
/// <para>SQLite allows one writer at a time, and the cost of a write is dominated by its commit. Every write is
/// therefore queued to one writer loop, which runs all writes waiting at that moment inside one
/// <c>BEGIN IMMEDIATE</c> transaction, each under its own savepoint so that one failing write does not undo the
/// others, and completes them all after a single commit. Under load this turns thousands of small commits into a
/// few dozen; a lone write still commits at once.</para>
/// <para>Reads run on the caller's thread on a pooled read connection; WAL lets them proceed while a write commits.
/// Several processes may share the file: <c>BEGIN IMMEDIATE</c> plus the busy timeout serializes their writers.</para>
/// </remarks>
internal sealed class SqliteDatabase : IDisposable
{
    private const int MaxWritesPerTransaction = 512;
    private const long WalAutoCheckpointBytes = 40L * 1024 * 1024;
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly string _connectionString;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentBag<SqliteSession> _readers = [];
    private readonly SqliteSession _writer;
    private readonly Thread _writerThread;
    private readonly int? _pageSize;
    private int _disposed;

    private SqliteDatabase(string path, string description, int? pageSize)
    {
        Path = path;
        Description = description;
        _pageSize = pageSize;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
        _writer = OpenSession();

        // A dedicated thread, not the thread pool: when jobs keep every pool thread busy reading and chunking, a
        // writer loop queued behind them delays every commit, and the jobs waiting for those commits pile up.
        _writerThread = new Thread(RunWriterLoop) { IsBackground = true, Name = $"DocPipeline SQLite writer ({description})" };
        _writerThread.Start();
    }

    /// <summary>Gets the full path of the database file.</summary>
    public string Path { get; }

    /// <summary>Gets what the file holds (for example "job store"), used in error messages.</summary>
    public string Description { get; }

    /// <summary>
    /// Opens (creating when missing) the database at <paramref name="path"/> and brings the schemas up to date.
    /// </summary>
    /// <exception cref="DocPipelineStorageException">The file cannot be opened, is not a SQLite database, or is corrupt.</exception>
    public static SqliteDatabase Open(string path, string description, params SqliteSchema[] schemas)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        try
        {
            var directory = System.IO.Path.GetDirectoryName(fullPath);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DocPipelineStorageException($"Cannot create the folder of the {description} '{fullPath}': {ex.Message}", ex);
        }

        SqliteDatabase? database = null;
        try
        {
            database = new SqliteDatabase(fullPath, description, schemas.Max(s => s.PageSize));
            database.Migrate(schemas);
            return database;
        }
        catch (SqliteException ex)
        {
            database?.Dispose();
            throw Describe(ex, description, fullPath);
        }
    }

    /// <summary>Queues a write; it runs inside the next group-commit transaction.</summary>
    /// <remarks>The work must be synchronous and must not start or end transactions itself.</remarks>
    public Task<T> WriteAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var write = new PendingWrite<T>(work, cancellationToken);
        if (!_writes.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(SqliteDatabase));
        }

        return write.Task;
    }

    /// <summary>Queues a write that returns nothing.</summary>
    public Task WriteAsync(Action<SqliteSession> work, CancellationToken cancellationToken = default) =>
        WriteAsync<bool>(session => { work(session); return true; }, cancellationToken);

    /// <summary>Runs a read on a pooled read connection, on the caller's thread.</summary>
    public T Read<T>(Func<SqliteSession, T> work)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var session = RentReader();
        try
        {
            return work(session);
        }
        catch (SqliteException ex) when (IsCorruption(ex))
        {
            throw Describe(ex, Description, Path);
        }
        finally
        {
            _readers.Add(session);
        }
    }

    /// <summary>Runs a read and wraps the result in a completed task.</summary>
    public Task<T> ReadAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(work));
    }

    /// <summary>
    /// Streams rows from a read connection held for the whole enumeration. Rows are read one at a time, so memory
    /// stays flat however many rows there are.
    /// </summary>
    public async IAsyncEnumerable<T> StreamAsync<T>(
        string sql,
        Func<SqliteDataReader, T> map,
        IReadOnlyList<(string Name, object? Value)>? parameters = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var session = RentReader();
        try
        {
            // A dedicated command: the cached one may be needed by a nested read on the same session.
            using var command = session.Connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters ?? [])
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            using var reader = Translate(command.ExecuteReader);
            var count = 0;
            while (Translate(reader.Read))
            {
                yield return map(reader);
                if (++count % 4096 == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await Task.Yield();
                }
            }
        }
        finally
        {
            _readers.Add(session);
        }
    }

    /// <summary>
    /// Copies the database into <paramref name="destinationPath"/> with SQLite's online backup, from a read
    /// connection: the copy is one consistent snapshot (all pages in one step, under a read transaction) while writers
    /// of this and other processes go on. The writer connection cannot be used: a backup from inside its open
    /// group-commit transaction fails with SQLITE_LOCKED.
    /// </summary>
    public Task BackupToAsync(string destinationPath, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Read(session =>
        {
            using var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destinationPath, Pooling = false }.ToString());
            destination.Open();
            session.Connection.BackupDatabase(destination);
            return true;
        });
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _writes.Writer.TryComplete();
        try
        {
            // The loop only drains queued writes and stops; waiting here keeps a disposed database from writing later.
            if (Thread.CurrentThread != _writerThread)
            {
                _writerThread.Join();
            }
        }
        catch (Exception)
        {
            // Errors were already delivered to the writes' callers.
        }

        _writer.Dispose();
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }

    private TResult Translate<TResult>(Func<TResult> read)
    {
        try
        {
            return read();
        }
        catch (SqliteException ex)
        {
            throw Describe(ex, Description, Path);
        }
    }

    /// <summary>
    /// Runs SQLite's own check of every page on a read connection: <c>PRAGMA quick_check</c>, or the slower
    /// <c>PRAGMA integrity_check</c> (which also checks that every index matches its table) when <paramref name="deep"/>.
    /// </summary>
    /// <returns><see langword="null"/> when the file is intact; otherwise what SQLite found (its first problems).</returns>
    public string? CheckIntegrity(bool deep)
    {
        const int MaxProblems = 5;
        var pragma = deep ? "integrity_check" : "quick_check";
        try
        {
            return Read(session =>
            {
                using var command = session.Connection.CreateCommand();
                command.CommandText = $"PRAGMA {pragma}({MaxProblems});";
                using var reader = command.ExecuteReader();
                var problems = new List<string>();
                while (reader.Read())
                {
                    problems.Add(reader.GetString(0));
                }

                return problems is ["ok"] ? null : $"SQLite's {pragma} of the {Description} '{Path}' found: {string.Join("; ", problems)}";
            });
        }
        catch (DocPipelineStorageException ex)
        {
            return ex.Message;
        }
        catch (SqliteException ex)
        {
            return $"SQLite's {pragma} of the {Description} '{Path}' failed: {ex.Message}";
        }
    }

    internal static bool IsCorruption(SqliteException ex) =>
        ex.SqliteErrorCode is 11 /* SQLITE_CORRUPT */ or 26 /* SQLITE_NOTADB */;

    internal static DocPipelineStorageException Describe(SqliteException ex, string description, string path) => ex.SqliteErrorCode switch
    {
        11 or 26 => new DocPipelineStorageException(
            $"The {description} '{path}' is not a valid SQLite database or is corrupt ({ex.Message}). It was left untouched. " + WayBack(description), ex),
        14 => new DocPipelineStorageException(
            $"The {description} '{path}' cannot be opened ({ex.Message}). Check that the folder exists and that this process may read and write it.", ex),
        8 => new DocPipelineStorageException(
            $"The {description} '{path}' is read-only ({ex.Message}). DocPipeline needs write access to it.", ex),
        _ => new DocPipelineStorageException($"The {description} '{path}' failed: {ex.Message}", ex),
    };

    /// <summary>What to do about a corrupt file: never "start empty" where that would hide the data of the other stores.</summary>
    private static string WayBack(string description) => description switch
    {
        "document registry" =>
            "Restore the data folder from a backup ('docpipe manage --restore <backup>'), or rebuild the registry from the indexes ('docpipe manage --rebuild-registry'). " +
            "Do not delete it: the other stores would then be served by an empty registry.",
        "vector index catalog" =>
            "Restore the data folder from a backup ('docpipe manage --restore <backup>'), or rebuild the vector index from the registry ('docpipe manage --rebuild-index vector').",
        "fingerprint store" =>
            "Restore the data folder from a backup ('docpipe manage --restore <backup>'), or move it aside: the next batch then reads every source again (nothing is re-embedded).",
        "job store" =>
            "Restore the data folder from a backup ('docpipe manage --restore <backup>'), or move it aside: queued jobs are then lost, so run the batch again.",
        _ => "Restore the data folder from a backup ('docpipe manage --restore <backup>').",
    };

    private SqliteSession OpenSession()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        var session = new SqliteSession(connection);

        // Only a file that is still empty takes it (before journal_mode creates it); an existing file keeps its own.
        if (_pageSize is { } pageSize)
        {
            session.Execute($"PRAGMA page_size={pageSize};");
        }

        session.Scalar("PRAGMA journal_mode=WAL;");
        session.Execute("PRAGMA synchronous=NORMAL;");
        session.Execute($"PRAGMA busy_timeout={(int)BusyTimeout.TotalMilliseconds};");
        session.Execute("PRAGMA foreign_keys=ON;");

        // Each write of a group commit runs under a savepoint, whose undo pages SQLite keeps in a sub-journal that
        // spills to a temporary file past 64 KB: a busy writer wrote a temp file in /var/tmp for nearly every group.
        // Kept in memory instead (at most one group's changed pages).
        session.Execute("PRAGMA temp_store=MEMORY;");

        // Checkpoint every ~40 MB of WAL instead of SQLite's 1,000 pages: a busy registry rewrites the same pages in
        // many group commits, and each checkpoint copies them (and fsyncs) once; ten times fewer checkpoints cost ~5%
        // less CPU in an ingestion run (benchmarks/results/ingestion.md), for a WAL file of up to ~40 MB between them.
        var pageBytes = Convert.ToInt64(session.Scalar("PRAGMA page_size;"), System.Globalization.CultureInfo.InvariantCulture);
        session.Scalar($"PRAGMA wal_autocheckpoint={WalAutoCheckpointBytes / pageBytes};");
        return session;
    }

    private SqliteSession RentReader()
    {
        if (_readers.TryTake(out var session))
        {
            return session;
        }

        try
        {
            return OpenSession();
        }
        catch (SqliteException ex)
        {
            throw Describe(ex, Description, Path);
        }
    }

    /// <summary>Applies a schema's missing steps (for a component added to an already open file).</summary>
    public void EnsureSchema(SqliteSchema schema)
    {
        // Through the writer queue: the writer session is only ever used by the writer loop.
        WriteAsync(session => ApplySchema(session, schema)).ConfigureAwait(false).GetAwaiter().GetResult();
    }

    private void Migrate(SqliteSchema[] schemas)
    {
        // A file that is up to date needs no write lock. Another process may be writing it non-stop (a batch commits
        // group after group), and BEGIN IMMEDIATE would wait behind it, up to the busy timeout or until it stops: a
        // 'docpipe batch --status' next to a running batch would hang.
        if (Array.TrueForAll(schemas, IsCurrent))
        {
            return;
        }

        using var transaction = _writer.Connection.BeginTransaction(deferred: false);
        _writer.Transaction = transaction;
        try
        {
            foreach (var schema in schemas)
            {
                ApplySchema(_writer, schema);
            }

            transaction.Commit();
        }
        finally
        {
            _writer.Transaction = null;
        }
    }

    /// <summary>Reads, without a transaction, whether every step of <paramref name="schema"/> is applied.</summary>
    private bool IsCurrent(SqliteSchema schema)
    {
        if (_writer.Scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_versions';") is null)
        {
            return false;
        }

        return _writer.Scalar("SELECT version FROM schema_versions WHERE component = $c;", ("$c", schema.Component)) is long version &&
            version == schema.Steps.Count;
    }

    /// <summary>Runs the missing steps of <paramref name="schema"/> inside the session's current transaction.</summary>
    private bool ApplySchema(SqliteSession session, SqliteSchema schema)
    {
        session.Execute("CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL);");
        var current = Convert.ToInt32(
            session.Scalar("SELECT version FROM schema_versions WHERE component = $c;", ("$c", schema.Component)) ?? 0L,
            System.Globalization.CultureInfo.InvariantCulture);
        if (current > schema.Steps.Count)
        {
            throw new DocPipelineStorageException(
                $"The {Description} '{Path}' has schema version {current} of '{schema.Component}', newer than this version of DocPipeline knows ({schema.Steps.Count}). Upgrade DocPipeline.");
        }

        for (var step = current; step < schema.Steps.Count; step++)
        {
            using var command = session.Connection.CreateCommand();
            command.Transaction = session.Transaction;
            command.CommandText = schema.Steps[step];
            command.ExecuteNonQuery();
        }

        if (current != schema.Steps.Count)
        {
            session.Execute(
                "INSERT INTO schema_versions (component, version) VALUES ($c, $v) ON CONFLICT(component) DO UPDATE SET version = excluded.version;",
                ("$c", schema.Component),
                ("$v", schema.Steps.Count));
        }

        return true;
    }

    private void RunWriterLoop()
    {
        var batch = new List<PendingWrite>(MaxWritesPerTransaction);
        var reader = _writes.Reader;
        while (WaitForWrites(reader))
        {
            batch.Clear();
            while (batch.Count < MaxWritesPerTransaction && reader.TryRead(out var write))
            {
                if (!write.TryCancelIfRequested())
                {
                    batch.Add(write);
                }
            }

            if (batch.Count > 0)
            {
                RunBatch(batch);
            }
        }
    }

    /// <summary>
    /// Blocks the writer thread until a write is queued; <see langword="false"/> once the queue is completed and drained.
    /// Blocking is the point here: the thread is the database's own and has nothing else to do.
    /// </summary>
    private static bool WaitForWrites(ChannelReader<PendingWrite> reader) => reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult();

    private void RunBatch(List<PendingWrite> batch)
    {
        SqliteTransaction? transaction = null;
        try
        {
            transaction = _writer.Connection.BeginTransaction(deferred: false);
            _writer.Transaction = transaction;
            if (batch.Count == 1)
            {
                batch[0].Execute(_writer);
            }
            else
            {
                foreach (var write in batch)
                {
                    // A savepoint per write: a failing write rolls back only its own changes. The statements go
                    // through the session's prepared commands (SqliteTransaction.Save would prepare them anew each time).
                    _writer.Command("SAVEPOINT w;").ExecuteNonQuery();
                    if (!write.Execute(_writer))
                    {
                        _writer.Command("ROLLBACK TO SAVEPOINT w;").ExecuteNonQuery();
                    }

                    _writer.Command("RELEASE SAVEPOINT w;").ExecuteNonQuery();
                }
            }

            if (batch.Count == 1 && batch[0].Failed)
            {
                transaction.Rollback();
            }
            else
            {
                transaction.Commit();
            }

            foreach (var write in batch)
            {
                write.Deliver();
            }
        }
        catch (Exception ex)
        {
            var error = ex is SqliteException sqlite ? Describe(sqlite, Description, Path) : ex;
            try
            {
                transaction?.Rollback();
            }
            catch (SqliteException)
            {
                // The transaction is already gone (for example the commit itself failed).
            }

            foreach (var write in batch)
            {
                write.DeliverFailure(error);
            }
        }
        finally
        {
            _writer.Transaction = null;
            transaction?.Dispose();
        }
    }

    private abstract class PendingWrite
    {
        public bool Failed { get; protected set; }

        public abstract bool TryCancelIfRequested();

        /// <summary>Runs the work; returns <see langword="false"/> when it threw (the error is kept for delivery).</summary>
        public abstract bool Execute(SqliteSession session);

        public abstract void Deliver();

        public abstract void DeliverFailure(Exception error);
    }

    private sealed class PendingWrite<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken) : PendingWrite
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _error;

        public Task<T> Task => _completion.Task;

        public override bool TryCancelIfRequested()
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            _completion.TrySetCanceled(cancellationToken);
            return true;
        }

        public override bool Execute(SqliteSession session)
        {
            try
            {
                _result = work(session);
                return true;
            }
            catch (Exception ex)
            {
                _error = ex;
                Failed = true;
                return false;
            }
        }

        public override void Deliver()
        {
            if (_error is not null)
            {
                _completion.TrySetException(_error);
            }
            else
            {
                _completion.TrySetResult(_result!);
            }
        }

        public override void DeliverFailure(Exception error) => _completion.TrySetException(_error ?? error);
    }
}
