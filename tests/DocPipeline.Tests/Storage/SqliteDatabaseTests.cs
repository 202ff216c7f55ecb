using DocPipeline.Specification.Tests;
using DocPipeline.Storage;

namespace DocPipeline.Tests.Storage;

public sealed class SqliteDatabaseTests : IDisposable
{
    private static readonly SqliteSchema Schema = new("test", ["CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"]);
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task WriteAsync_ManyConcurrentWrites_AllCommitted()
    {
        using var database = SqliteDatabase.Open(_directory.File("a.db"), "test store", Schema);

        await Task.WhenAll(Enumerable.Range(0, 2000).Select(i =>
            database.WriteAsync(s => s.Execute("INSERT INTO items (name) VALUES ($n);", ("$n", $"item{i}")))));

        Assert.Equal(2000L, database.Read(s => (long)s.Scalar("SELECT COUNT(*) FROM items;")!));
    }

    [Fact]
    public async Task WriteAsync_OneFailingWriteInABatch_OthersCommitAndItsErrorIsReported()
    {
        using var database = SqliteDatabase.Open(_directory.File("a.db"), "test store", Schema);
        await database.WriteAsync(s => s.Execute("INSERT INTO items (name) VALUES ('dup');"));

        var writes = Enumerable.Range(0, 50)
            .Select(i => database.WriteAsync(s => s.Execute("INSERT INTO items (name) VALUES ($n);", ("$n", i == 25 ? "dup" : $"x{i}"))))
            .ToList();

        await Assert.ThrowsAnyAsync<Exception>(() => writes[25]);
        await Task.WhenAll(writes.Where((_, i) => i != 25));
        Assert.Equal(50L, database.Read(s => (long)s.Scalar("SELECT COUNT(*) FROM items;")!));
    }

    [Fact]
    public async Task Open_ReopenedFile_KeepsDataAndSchema()
    {
        var path = _directory.File("a.db");
        using (var database = SqliteDatabase.Open(path, "test store", Schema))
        {
            await database.WriteAsync(s => s.Execute("INSERT INTO items (name) VALUES ('kept');"));
        }

        using var reopened = SqliteDatabase.Open(path, "test store", Schema);
        Assert.Equal("kept", reopened.Read(s => (string)s.Scalar("SELECT name FROM items;")!));
    }

    [Fact]
    public async Task Open_UpToDateFileWhileAnotherConnectionHoldsTheWriteLock_OpensAndReadsWithoutWaiting()
    {
        var path = _directory.File("a.db");
        using (var first = SqliteDatabase.Open(path, "test store", Schema))
        {
            await first.WriteAsync(s => s.Execute("INSERT INTO items (name) VALUES ('one');"));
        }

        // Another process in the middle of a write transaction, as a running batch nearly always is.
        using var writer = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        writer.Open();
        using var transaction = writer.BeginTransaction(deferred: false);

        using var database = SqliteDatabase.Open(path, "test store", Schema);

        Assert.Equal(1L, database.Read(s => (long)s.Scalar("SELECT COUNT(*) FROM items;")!));
    }

    [Fact]
    public void Open_FileThatIsNotADatabase_ClearErrorAndFileUntouched()
    {
        var path = _directory.Write("jobs.db", "this is not a database, it is a text file that happens to be long enough to look like a header");
        var before = File.ReadAllBytes(path);

        var error = Assert.Throws<DocPipelineStorageException>(() => SqliteDatabase.Open(path, "job store", Schema));

        Assert.Contains("job store", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void Open_SchemaNewerThanCode_RefusedWithUpgradeMessage()
    {
        var path = _directory.File("a.db");
        using (SqliteDatabase.Open(path, "test store", new SqliteSchema("test", ["CREATE TABLE a (x);", "CREATE TABLE b (x);"])))
        {
        }

        var error = Assert.Throws<DocPipelineStorageException>(() => SqliteDatabase.Open(path, "test store", Schema));

        Assert.Contains("Upgrade DocPipeline", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_ManyRows_YieldsAllInOrder()
    {
        using var database = SqliteDatabase.Open(_directory.File("a.db"), "test store", Schema);
        await database.WriteAsync(s =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                s.Execute("INSERT INTO items (id, name) VALUES ($i, $n);", ("$i", i), ("$n", $"n{i}"));
            }
        });

        var ids = new List<long>();
        await foreach (var id in database.StreamAsync("SELECT id FROM items ORDER BY id;", r => r.GetInt64(0)))
        {
            ids.Add(id);
        }

        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (long)i), ids);
    }

    [Fact]
    public async Task BackupToAsync_WhileWritesRun_CopyIsAConsistentSnapshot()
    {
        using var database = SqliteDatabase.Open(_directory.File("a.db"), "test store", Schema);
        await database.WriteAsync(s => s.Execute("INSERT INTO items (name) VALUES ('before');"));
        var writes = Enumerable.Range(0, 500)
            .Select(i => database.WriteAsync(s => s.Execute("INSERT INTO items (name) VALUES ($n);", ("$n", $"during{i}"))))
            .ToList();

        await database.BackupToAsync(_directory.File("copy.db"));
        await Task.WhenAll(writes);

        using var copy = SqliteDatabase.Open(_directory.File("copy.db"), "test store", Schema);
        var copied = copy.Read(s => (long)s.Scalar("SELECT COUNT(*) FROM items;")!);
        Assert.InRange(copied, 1, 501);
        Assert.Equal("before", copy.Read(s => (string)s.Scalar("SELECT name FROM items ORDER BY id LIMIT 1;")!));
    }

    public void Dispose() => _directory.Dispose();
}
