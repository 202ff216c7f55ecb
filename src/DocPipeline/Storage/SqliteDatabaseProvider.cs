using System.Collections.Concurrent;

namespace DocPipeline.Storage;

/// <summary>
/// Opens each SQLite file once per container, so that stores configured to share a file also share its single
/// writer (two writers in one process on one file would only contend for the lock).
/// </summary>
internal sealed class SqliteDatabaseProvider : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<SqliteDatabase>> _databases = new(StringComparer.Ordinal);

    /// <summary>Opens (or returns the already open) database at <paramref name="path"/> and makes sure <paramref name="schema"/> is applied.</summary>
    public SqliteDatabase Open(string path, string description, SqliteSchema schema)
    {
        var fullPath = Path.GetFullPath(path);
        var created = false;
        var lazy = _databases.GetOrAdd(fullPath, p => new Lazy<SqliteDatabase>(() =>
        {
            created = true;
            return SqliteDatabase.Open(p, description, schema);
        }));
        SqliteDatabase database;
        try
        {
            database = lazy.Value;
        }
        catch
        {
            // Do not cache a failure: the next attempt (after the user fixed the file) opens it again.
            _databases.TryRemove(new KeyValuePair<string, Lazy<SqliteDatabase>>(fullPath, lazy));
            throw;
        }

        if (!created)
        {
            database.EnsureSchema(schema);
        }

        return database;
    }

    public void Dispose()
    {
        foreach (var lazy in _databases.Values)
        {
            if (lazy.IsValueCreated)
            {
                lazy.Value.Dispose();
            }
        }

        _databases.Clear();
    }
}
