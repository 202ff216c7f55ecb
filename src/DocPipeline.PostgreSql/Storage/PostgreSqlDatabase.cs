using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DocPipeline.PostgreSql.Storage;

/// <summary>
/// The one connection pool (<see cref="NpgsqlDataSource"/>) of a container, shared by every PostgreSQL store: it
/// creates and migrates the tables on first use, runs reads and transactional writes, and turns server and network
/// failures into <see cref="DocPipelineStorageException"/>s that say where and what.
/// </summary>
/// <remarks>
/// <para>A write runs in an explicit transaction and commits at the end. When the connection breaks or the server
/// reports a deadlock before the commit was sent, the server rolled the transaction back, so the work runs again on a
/// fresh connection (the pool is cleared first: after a server restart every idle connection is dead). A failure
/// while committing is never retried, because the change may or may not have been applied; the error says so.</para>
/// <para>Migrations take a transaction-scoped advisory lock on the schema name, so any number of processes starting
/// at once apply each step exactly once; the others wait, then find the schema current.</para>
/// </remarks>
internal sealed class PostgreSqlDatabase : IAsyncDisposable, IDisposable
{
    /// <summary>How many times an operation runs at most when it keeps failing in a way that is safe to retry.</summary>
    internal const int MaxAttempts = 3;

    /// <summary>How many statements each connection keeps prepared, unless the connection string says otherwise.</summary>
    internal const int AutoPrepared = 32;

    private const string SchemaPlaceholder = "{schema}";

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly bool _migrate;
    private readonly string _quotedSchema;
    private readonly SemaphoreSlim _migrationLock = new(1, 1);
    private readonly ConcurrentDictionary<string, bool> _current = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _sql = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>Creates the pool from the validated options.</summary>
    public PostgreSqlDatabase(IOptions<PostgreSqlOptions> options, ILogger<PostgreSqlDatabase>? logger = null)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), logger)
    {
    }

    /// <summary>Creates the pool from options that were already validated.</summary>
    internal PostgreSqlDatabase(PostgreSqlOptions options, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!PostgreSqlOptionsValidator.IsPlainIdentifier(options.Schema))
        {
            throw new ArgumentException($"'{options.Schema}' is not a plain identifier.", nameof(options));
        }

        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        var connection = builder.ConnectionStringBuilder;
        connection.CommandTimeout = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);
        if (options.MaxPoolSize is { } maxPoolSize)
        {
            connection.MaxPoolSize = maxPoolSize;
        }

        if (string.IsNullOrEmpty(connection.ApplicationName))
        {
            connection.ApplicationName = "DocPipeline";
        }

        // The claim is one large statement whose planning costs more than running it: prepare the hot statements on
        // each connection, unless the connection string decides (for example Max Auto Prepare=0 behind an old PgBouncer).
        if (!options.ConnectionString!.Replace(" ", string.Empty, StringComparison.Ordinal).Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            connection.MaxAutoPrepare = AutoPrepared;
        }

        _dataSource = builder.Build();
        _logger = logger ?? NullLogger.Instance;
        _migrate = options.MigrateSchema;
        Schema = options.Schema;
        _quotedSchema = $"\"{options.Schema}\"";
        CommandTimeout = options.CommandTimeout;
        Location = $"{connection.Host}:{connection.Port}, database '{connection.Database ?? connection.Username}', schema '{options.Schema}'";
    }

    /// <summary>Gets the schema that holds the tables.</summary>
    public string Schema { get; }

    /// <summary>Gets where the tables are, for messages: host, port, database and schema (never the password).</summary>
    public string Location { get; }

    /// <summary>Gets how long one statement may run.</summary>
    public TimeSpan CommandTimeout { get; }

    /// <summary>Gets the pool; for tests that need the server's view (for example to end this pool's backends).</summary>
    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Returns <paramref name="template"/> with <c>{schema}</c> replaced by the quoted schema name.</summary>
    public string Sql(string template) => _sql.GetOrAdd(template, static (text, schema) => text.Replace(SchemaPlaceholder, schema, StringComparison.Ordinal), _quotedSchema);

    /// <summary>A command on <paramref name="connection"/> running <paramref name="template"/> in this schema.</summary>
    public NpgsqlCommand Command(NpgsqlConnection connection, string template) => new(Sql(template), connection);

    /// <summary>Runs reads on a pooled connection, outside any explicit transaction; retried on connection loss.</summary>
    public Task<T> ReadAsync<T>(PostgreSqlSchema schema, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(schema, transactional: false, work, cancellationToken);

    /// <summary>Runs <paramref name="work"/> in one transaction and commits it; retried while the server certainly rolled it back.</summary>
    /// <remarks>The work may run more than once, so it must build everything it returns afresh. Throwing rolls back.</remarks>
    public Task<T> WriteAsync<T>(PostgreSqlSchema schema, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(schema, transactional: true, work, cancellationToken);

    /// <summary>Reads rows on a pooled connection (see <see cref="ReadAsync{T}"/>).</summary>
    public Task<List<T>> QueryAsync<T>(PostgreSqlSchema schema, string template, Action<NpgsqlParameterCollection>? bind, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken) =>
        ReadAsync(schema, (connection, token) => QueryAsync(connection, template, bind, map, token), cancellationToken);

    /// <summary>Runs one write statement in its own transaction (see <see cref="WriteAsync{T}"/>) and returns the rows it changed.</summary>
    public Task<int> ExecuteAsync(PostgreSqlSchema schema, string template, Action<NpgsqlParameterCollection>? bind, CancellationToken cancellationToken) =>
        WriteAsync(schema, (connection, token) => ExecuteAsync(connection, template, bind, token), cancellationToken);

    /// <summary>Runs one write statement that returns rows (<c>RETURNING</c>) in its own transaction.</summary>
    public Task<List<T>> WriteQueryAsync<T>(PostgreSqlSchema schema, string template, Action<NpgsqlParameterCollection>? bind, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken) =>
        WriteAsync(schema, (connection, token) => QueryAsync(connection, template, bind, map, token), cancellationToken);

    /// <summary>Runs <paramref name="template"/> (one statement or several separated by semicolons) and returns the rows changed.</summary>
    public async Task<int> ExecuteAsync(NpgsqlConnection connection, string template, Action<NpgsqlParameterCollection>? bind, CancellationToken cancellationToken)
    {
        var command = Command(connection, template);
        await using (command.ConfigureAwait(false))
        {
            bind?.Invoke(command.Parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="template"/> and maps every row of every result it returns, in order.</summary>
    public async Task<List<T>> QueryAsync<T>(
        NpgsqlConnection connection, string template, Action<NpgsqlParameterCollection>? bind, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        var command = Command(connection, template);
        await using (command.ConfigureAwait(false))
        {
            bind?.Invoke(command.Parameters);
            var rows = new List<T>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                do
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add(map(reader));
                    }
                }
                while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
            }

            return rows;
        }
    }

    /// <summary>Streams the rows of one query from a connection held for the whole enumeration.</summary>
    public async IAsyncEnumerable<T> StreamAsync<T>(
        PostgreSqlSchema schema,
        string template,
        Action<NpgsqlParameterCollection>? bind,
        Func<NpgsqlDataReader, T> map,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await EnsureSchemaAsync(schema, cancellationToken).ConfigureAwait(false);
        NpgsqlConnection connection;
        NpgsqlCommand command;
        NpgsqlDataReader reader;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            command = Command(connection, template);
            bind?.Invoke(command.Parameters);
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Describe(schema.Description, ex, committing: false);
        }

        await using (connection.ConfigureAwait(false))
        await using (command.ConfigureAwait(false))
        await using (reader.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw Describe(schema.Description, ex, committing: false);
                }

                yield return map(reader);
            }
        }
    }

    /// <summary>Creates or migrates the tables of <paramref name="schema"/> unless this process already did.</summary>
    public async Task EnsureSchemaAsync(PostgreSqlSchema schema, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (_current.ContainsKey(schema.Component))
        {
            return;
        }

        await _migrationLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_current.ContainsKey(schema.Component))
            {
                await RunAsync(schema, transactional: false, (connection, token) => MigrateAsync(connection, schema, token), cancellationToken, migrated: true)
                    .ConfigureAwait(false);
                _current[schema.Component] = true;
            }
        }
        finally
        {
            _migrationLock.Release();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _dataSource.Dispose();
            _migrationLock.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
            _migrationLock.Dispose();
        }
    }

    /// <summary>Whether the failure is a lost or refused connection (the server is down, restarting, or ended this backend).</summary>
    internal static bool IsConnectionFailure(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState is "57P01" or "57P02" or "57P03",
        NpgsqlException npgsql => npgsql.IsTransient && !IsTimeout(npgsql),
        _ => false,
    };

    private static bool IsTimeout(NpgsqlException exception) =>
        exception.InnerException is TimeoutException || exception is PostgresException { SqlState: "57014" };

    private static bool IsConflict(Exception exception) => exception is PostgresException { SqlState: "40001" or "40P01" };

    private async Task<T> RunAsync<T>(
        PostgreSqlSchema schema,
        bool transactional,
        Func<NpgsqlConnection, CancellationToken, Task<T>> work,
        CancellationToken cancellationToken,
        bool migrated = false)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!migrated)
        {
            await EnsureSchemaAsync(schema, cancellationToken).ConfigureAwait(false);
        }

        for (var attempt = 1; ; attempt++)
        {
            var committing = false;
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    if (!transactional)
                    {
                        return await work(connection, cancellationToken).ConfigureAwait(false);
                    }

                    var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        var result = await work(connection, cancellationToken).ConfigureAwait(false);
                        committing = true;

                        // Never cancelled half-way: a commit that may or may not have happened is worse than a short wait.
                        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                        return result;
                    }
                }
            }
            catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (committing || attempt >= MaxAttempts)
                {
                    throw Describe(schema.Description, ex, committing);
                }

                if (IsConnectionFailure(ex))
                {
                    // After a restart or failover every idle connection in the pool is dead; drop them all at once.
                    _dataSource.Clear();
                    PostgreSqlLog.RetryAfterConnectionLoss(_logger, ex, schema.Description, Location, attempt + 1);
                }
                else if (IsConflict(ex))
                {
                    PostgreSqlLog.RetryAfterConflict(_logger, ex, schema.Description, attempt + 1);
                }
                else
                {
                    throw Describe(schema.Description, ex, committing);
                }
            }
        }
    }

    private async Task<bool> MigrateAsync(NpgsqlConnection connection, PostgreSqlSchema schema, CancellationToken cancellationToken)
    {
        var version = await ReadVersionAsync(connection, schema.Component, cancellationToken).ConfigureAwait(false);
        if (version == schema.Version)
        {
            return true;
        }

        ThrowIfNewer(schema, version);
        if (!_migrate)
        {
            throw new DocPipelineStorageException(
                $"The PostgreSQL {schema.Description} tables at {Location} are at version {Math.Max(version, 0)} and this DocPipeline needs version {schema.Version}, " +
                $"but {PostgreSqlOptions.SectionName}:MigrateSchema is off. Start one process with it on (or apply the migration) and try again.");
        }

        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            // Every process starting at once queues here; the first applies the steps, the others find them applied.
            await ExecuteAsync(
                connection, "SELECT pg_advisory_xact_lock(hashtextextended(@key, 0));", p => p.Text("key", "docpipeline.migrate." + Schema), cancellationToken)
                .ConfigureAwait(false);
            var schemaExists = await QueryAsync(
                connection, "SELECT to_regnamespace(@schema) IS NOT NULL;", p => p.Text("schema", _quotedSchema), r => r.GetBoolean(0), cancellationToken)
                .ConfigureAwait(false);
            if (!schemaExists[0])
            {
                await ExecuteAsync(connection, "CREATE SCHEMA {schema};", bind: null, cancellationToken).ConfigureAwait(false);
            }

            await ExecuteAsync(
                connection,
                """
                CREATE TABLE IF NOT EXISTS {schema}.schema_versions (
                    component text NOT NULL,
                    version integer NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (component, version)
                );
                """,
                bind: null,
                cancellationToken).ConfigureAwait(false);

            var from = await ReadVersionAsync(connection, schema.Component, cancellationToken).ConfigureAwait(false);
            ThrowIfNewer(schema, from);
            for (var step = Math.Max(from, 0); step < schema.Steps.Count; step++)
            {
                await ExecuteAsync(connection, schema.Steps[step], bind: null, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(
                    connection,
                    "INSERT INTO {schema}.schema_versions (component, version) VALUES (@component, @version);",
                    p => p.Text("component", schema.Component).Integer("version", step + 1),
                    cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            if (from < schema.Version)
            {
                PostgreSqlLog.Migrated(_logger, schema.Component, Schema, Math.Max(from, 0), schema.Version);
            }
        }

        return true;
    }

    /// <summary>The component's version, 0 when it has no tables yet, or -1 when the schema has no version table.</summary>
    private async Task<int> ReadVersionAsync(NpgsqlConnection connection, string component, CancellationToken cancellationToken)
    {
        var exists = await QueryAsync(
            connection, "SELECT to_regclass(@table) IS NOT NULL;", p => p.Text("table", _quotedSchema + ".schema_versions"), r => r.GetBoolean(0), cancellationToken)
            .ConfigureAwait(false);
        if (!exists[0])
        {
            return -1;
        }

        var version = await QueryAsync(
            connection,
            "SELECT COALESCE(MAX(version), 0) FROM {schema}.schema_versions WHERE component = @component;",
            p => p.Text("component", component),
            r => r.GetInt32(0),
            cancellationToken).ConfigureAwait(false);
        return version[0];
    }

    private void ThrowIfNewer(PostgreSqlSchema schema, int version)
    {
        if (version > schema.Version)
        {
            throw new DocPipelineStorageException(
                $"The PostgreSQL {schema.Description} tables at {Location} are at version {version}, written by a newer DocPipeline; " +
                $"this one knows version {schema.Version}. Upgrade DocPipeline on this machine; the tables were left untouched.");
        }
    }

    /// <summary>Translates a server or network failure into a message that names the store and the server, and says what happened to the change.</summary>
    private DocPipelineStorageException Describe(string description, NpgsqlException exception, bool committing)
    {
        if (committing)
        {
            return new DocPipelineStorageException(
                $"The connection to the PostgreSQL {description} at {Location} failed while committing, so the change may or may not have been applied: {exception.Message}",
                exception);
        }

        if (IsTimeout(exception))
        {
            // A statement past CommandTimeout, or no free connection in the pool (MaxPoolSize) within the connection timeout.
            return new DocPipelineStorageException(
                $"The PostgreSQL {description} at {Location} timed out (statements may run {CommandTimeout.TotalSeconds:0.#} s, " +
                $"{PostgreSqlOptions.SectionName}:CommandTimeout; connections per process are capped by {PostgreSqlOptions.SectionName}:MaxPoolSize); " +
                $"nothing was changed: {exception.Message}",
                exception);
        }

        if (IsConnectionFailure(exception))
        {
            return new DocPipelineStorageException(
                $"Cannot reach the PostgreSQL {description} at {Location} (tried {MaxAttempts} times); nothing was changed, and the operation can be retried once the server is back: {exception.Message}",
                exception);
        }

        return exception is PostgresException postgres
            ? new DocPipelineStorageException($"The PostgreSQL {description} at {Location} refused a statement ({postgres.SqlState}): {postgres.MessageText}", exception)
            : new DocPipelineStorageException($"The PostgreSQL {description} at {Location} failed: {exception.Message}", exception);
    }
}
