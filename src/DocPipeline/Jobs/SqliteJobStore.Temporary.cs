namespace DocPipeline.Jobs;

/// <summary>The job store of <c>UseInMemoryJobStore()</c>: the SQLite store on a file of its own in a temp folder.</summary>
/// <remarks>
/// <para>This replaces a second, in-memory copy of the job rules: tests and throwaway runs get the very store (SQL,
/// rules, fencing) that production runs, and the jobs are gone when the store is disposed.</para>
/// <para>A file, not a SQLite in-memory database: <see cref="Storage.SqliteDatabase"/> writes on one connection and
/// reads on others, with WAL so that reads see the last commit while a group commit is open. A private
/// <c>:memory:</c> database is one per connection, so readers would not see the writer's jobs; a shared-cache memory
/// database has no WAL and answers a reader with SQLITE_LOCKED (which the busy timeout does not wait out) while the
/// writer's transaction is open. A temp file serves the same connection pattern unchanged.</para>
/// </remarks>
internal sealed partial class SqliteJobStore : IDisposable
{
    private readonly string? _temporaryFolder;
    private int _disposed;

    private SqliteJobStore(Storage.SqliteDatabase database, JobStoreSettings settings, TimeProvider time, string temporaryFolder)
        : this(database, settings, time)
    {
        _temporaryFolder = temporaryFolder;
    }

    /// <summary>Gets the folder of a store made by <see cref="CreateTemporary"/>, or <see langword="null"/> for a store on a shared file.</summary>
    internal string? TemporaryFolder => _temporaryFolder;

    /// <summary>Creates a store on a new SQLite file in a new temp folder; <see cref="Dispose"/> deletes the folder.</summary>
    public static SqliteJobStore CreateTemporary(JobStoreSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        var folder = Directory.CreateTempSubdirectory("docpipeline-jobs-").FullName;
        Storage.SqliteDatabase? database = null;
        try
        {
            database = Storage.SqliteDatabase.Open(Path.Combine(folder, Consistency.DataFolderLayout.JobsFileName), Description, Schema);
            return new SqliteJobStore(database, settings, time, folder);
        }
        catch
        {
            database?.Dispose();
            DeleteFolder(folder);
            throw;
        }
    }

    /// <summary>
    /// Closes and deletes the file of a store made by <see cref="CreateTemporary"/>. A store on a shared file does
    /// nothing: its file belongs to the <see cref="Storage.SqliteDatabaseProvider"/> that opened it.
    /// </summary>
    public void Dispose()
    {
        if (_temporaryFolder is null || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _database.Dispose();
        DeleteFolder(_temporaryFolder);
    }

    private static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temp folder left behind is harmless; failing a dispose over it is not.
        }
    }
}
