using DocPipeline.Indexing.Keyword;
using DocPipeline.Indexing.Vector;
using Lucene.Net.Index;
using Microsoft.Data.Sqlite;

namespace DocPipeline.Consistency;

/// <summary>
/// Proves that no one has the stores of a data folder open, and keeps it so while a restore swaps them: the vector
/// index's <c>vectors.lock</c> and Lucene's <c>write.lock</c> are taken the way the indexes take them, and each
/// SQLite file is switched out of WAL mode (which SQLite refuses while any other connection, in this process or
/// another, has the file open) and held with <c>BEGIN EXCLUSIVE</c>. <see cref="EnsureClosed"/> checks the same
/// without changing any file.
/// </summary>
internal sealed class DataFolderLock : IDisposable
{
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(1);
    private readonly List<IDisposable> _held = [];

    private DataFolderLock()
    {
    }

    /// <summary>
    /// Checks that no store of <paramref name="stores"/> is open, changing nothing: the index lock files are tested,
    /// and each SQLite file is opened in exclusive locking mode, which SQLite refuses while another connection (in
    /// this process or another) has a WAL database open.
    /// </summary>
    /// <exception cref="DocPipelineStorageException">A store is in use; the message names it and says what to do.</exception>
    public static void EnsureClosed(DataFolderLayout layout, IEnumerable<string> stores)
    {
        foreach (var store in stores)
        {
            var path = layout.TargetOf(store);
            var lockFile = store switch
            {
                DataFolderLayout.Vector => Path.Combine(path, VectorFolderLock.FileName),
                DataFolderLayout.Keyword => Path.Combine(path, IndexWriter.WRITE_LOCK_NAME),
                _ => null,
            };
            if (lockFile is not null)
            {
                if (IndexHealth.IsHeld(lockFile))
                {
                    throw InUse(store, path, $"its lock file {Path.GetFileName(lockFile)} is held", null);
                }

                continue;
            }

            if (File.Exists(path))
            {
                // Exclusive locking mode set before the first read: the read then needs every other connection gone.
                using var connection = Open(path);
                try
                {
                    Run(store, path, () => Execute(connection, "PRAGMA locking_mode=EXCLUSIVE;"));
                    Run(store, path, () => Execute(connection, "BEGIN EXCLUSIVE;"));
                    Run(store, path, () => Execute(connection, "SELECT count(*) FROM sqlite_master;"));
                }
                catch (NotADatabase)
                {
                    // No one can have it open.
                }
            }
        }
    }

    /// <summary>Takes every store of <paramref name="stores"/> in <paramref name="layout"/> and holds them until disposed.</summary>
    /// <exception cref="DocPipelineStorageException">A store is in use; the message names it and says what to do.</exception>
    public static DataFolderLock Acquire(DataFolderLayout layout, IEnumerable<string> stores)
    {
        var taken = new DataFolderLock();
        try
        {
            foreach (var store in stores)
            {
                var path = layout.TargetOf(store);
                switch (store)
                {
                    case DataFolderLayout.Vector:
                        taken.HoldFile(store, Path.Combine(path, VectorFolderLock.FileName), path);
                        break;
                    case DataFolderLayout.Keyword:
                        taken.HoldLucene(path);
                        break;
                    default:
                        taken.HoldSqlite(store, path);
                        break;
                }
            }

            return taken;
        }
        catch
        {
            taken.Dispose();
            throw;
        }
    }

    /// <summary>Releases everything held.</summary>
    public void Dispose()
    {
        for (var i = _held.Count - 1; i >= 0; i--)
        {
            _held[i].Dispose();
        }

        _held.Clear();
    }

    private static DocPipelineStorageException InUse(string store, string path, string detail, Exception? inner) => new(
        $"Cannot restore: the {store} store '{path}' is in use ({detail}). A restore replaces every store of the data folder, so all of them must be " +
        "closed: stop every process that uses the folder (a docpipe command, a host with AddDocPipeline), and restore from a container that has not " +
        "opened it, such as 'docpipe manage --restore' or a ServiceProvider built only for the restore. Pausing the queue is not enough: the stores stay open.",
        inner);

    private void HoldFile(string store, string lockFile, string folder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        try
        {
            _held.Add(new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1));
        }
        catch (IOException ex)
        {
            throw InUse(store, folder, $"its lock file {Path.GetFileName(lockFile)} is held", ex);
        }
    }

    private void HoldLucene(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        var writeLock = new ExclusiveFileLock(Path.Combine(folder, IndexWriter.WRITE_LOCK_NAME));
        if (!writeLock.Obtain())
        {
            writeLock.Dispose();
            throw InUse(DataFolderLayout.Keyword, folder, $"its {IndexWriter.WRITE_LOCK_NAME} is held", null);
        }

        _held.Add(writeLock);
    }

    private void HoldSqlite(string store, string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        var connection = Open(path);
        try
        {
            // Into WAL and back: leaving WAL needs every other connection closed, which is exactly what must be proved.
            Run(store, path, () => Execute(connection, "PRAGMA journal_mode=WAL;"));
            if (!string.Equals(Run(store, path, () => Execute(connection, "PRAGMA journal_mode=DELETE;")) as string, "delete", StringComparison.OrdinalIgnoreCase))
            {
                throw InUse(store, path, "another connection has it open", null);
            }

            Run(store, path, () => Execute(connection, "BEGIN EXCLUSIVE;"));
            _held.Add(connection);
        }
        catch (NotADatabase)
        {
            connection.Dispose();
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Opens a connection with a short busy timeout; nothing is read yet.</summary>
    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout={(int)BusyTimeout.TotalMilliseconds};");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs a statement, turning SQLite's busy and locked errors into the in-use message. A file that is no valid
    /// database is no one's open store: the restore replaces it as it is, so that error becomes <see cref="NotADatabase"/>.
    /// </summary>
    private static object? Run(string store, string path, Func<object?> statement)
    {
        try
        {
            return statement();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            throw InUse(store, path, "another connection has it open", ex);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 11 or 26)
        {
            throw new NotADatabase(ex);
        }
    }

    /// <summary>The file is no valid SQLite database, so no store can have it open.</summary>
    private sealed class NotADatabase(Exception inner) : Exception(inner.Message, inner);

    private static object? Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
