using Microsoft.Data.Sqlite;

namespace DocPipeline.Storage;

/// <summary>
/// One SQLite connection with a cache of prepared commands. Sessions are never shared between threads: the writer
/// owns one, and readers rent one for the duration of a read.
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteSession(SqliteConnection connection)
    {
        Connection = connection;
    }

    public SqliteConnection Connection { get; }

    /// <summary>Gets the transaction of the current write batch, or <see langword="null"/> outside one.</summary>
    public SqliteTransaction? Transaction { get; internal set; }

    /// <summary>
    /// Returns the cached command for <paramref name="sql"/> with its parameters cleared. Reusing the command keeps
    /// SQLite's prepared statement, which is several times cheaper than preparing it on every call.
    /// </summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Parameters.Clear();
        command.Transaction = Transaction;
        return command;
    }

    /// <summary>Runs a statement that returns no rows.</summary>
    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = Command(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command.ExecuteNonQuery();
    }

    /// <summary>Runs a statement and returns the first column of the first row.</summary>
    public object? Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = Command(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var result = command.ExecuteScalar();
        return result is DBNull ? null : result;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        Connection.Dispose();
    }
}
