using DocPipeline.Configuration;
using DocPipeline.Fingerprints;
using DocPipeline.Specification.Tests.Fingerprints;
using DocPipeline.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace DocPipeline.Tests.Fingerprints;

public sealed class SqliteFingerprintStoreTests : FingerprintStoreSpecification
{
    private readonly List<SqliteDatabaseProvider> _providers = [];

    protected override IFingerprintStore CreateStore(TimeProvider timeProvider) => Open(Directory.File("fingerprints.db"), timeProvider);

    [Fact]
    public async Task Open_AfterReopen_FingerprintsAndHistorySurvive()
    {
        var path = Directory.File("fingerprints.db");
        var first = Open(path, Time, out var provider);
        await first.UpsertAsync([Fingerprint("/docs/a.txt", 'a')]);
        await first.UpsertAsync([Fingerprint("/docs/a.txt", 'b')]);
        provider.Dispose();

        var reopened = Open(path, Time);

        Assert.Equal(Fingerprint("/docs/a.txt", 'b'), await reopened.GetAsync("/docs/a.txt"));
        Assert.Equal([Hash('b'), Hash('a')], (await reopened.GetHistoryAsync("/docs/a.txt", 10)).Select(h => h.ContentHash));
    }

    [Fact]
    public void Open_CorruptFile_ThrowsStorageExceptionNamingFileAndLeavesItUntouched()
    {
        var path = Directory.File("fingerprints.db");
        var garbage = new byte[8192];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(path, garbage);

        var error = Assert.Throws<DocPipelineStorageException>(() => Open(path, Time));

        Assert.Contains("fingerprint store", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, File.ReadAllBytes(path));
    }

    [Fact]
    public void Open_NoStoragePath_UsesFingerprintsDbUnderDataDirectory()
    {
        var provider = Track(new SqliteDatabaseProvider());
        var options = new DocPipelineOptions { DataDirectory = Directory.File("data") };

        var store = new SqliteFingerprintStore(provider, Options.Create(options), Time);

        Assert.Equal(Path.Combine(Directory.Path, "data", "fingerprints.db"), store.Path);
        Assert.True(File.Exists(store.Path));
    }

    [Fact]
    public async Task GetManyAsync_MoreSourcesThanSqliteVariables_ReturnsAll()
    {
        var store = Open(Directory.File("fingerprints.db"), Time);
        var sources = Enumerable.Range(0, 40_000).Select(i => $"/corpus/{i}.txt").ToList();
        await store.UpsertAsync(sources.Select(s => Fingerprint(s, 'a')).ToList());

        var found = await store.GetManyAsync(sources);
        await store.MarkSeenAsync(sources, Start.AddDays(1));

        Assert.Equal(40_000, found.Count);
        Assert.Equal(Start.AddDays(1), (await store.GetAsync("/corpus/39999.txt"))!.LastSeenAt);
    }

    [Theory]
    [InlineData(SqliteFingerprintStore.SelectMany)]
    [InlineData(SqliteFingerprintStore.MarkSeen)]
    public void BatchStatements_QueryPlan_SeekTheSourceIndexInsteadOfScanning(string sql)
    {
        var path = Directory.File("fingerprints.db");
        Open(path, Time);
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        command.Parameters.AddWithValue("$s", "[\"/a\",\"/b\"]");
        command.Parameters.AddWithValue("$t", 0L);

        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        // Walk the JSON array (a virtual table scan) and seek each source; never scan a real table.
        Assert.Contains(plan, step => step.StartsWith("SEARCH f USING", StringComparison.Ordinal) && step.Contains("(source=?)", StringComparison.Ordinal));
        Assert.All(plan.Where(step => step.StartsWith("SCAN", StringComparison.Ordinal)), step => Assert.Contains("VIRTUAL TABLE", step, StringComparison.Ordinal));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var provider in _providers)
            {
                provider.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private SqliteFingerprintStore Open(string path, TimeProvider timeProvider) => Open(path, timeProvider, out _);

    private SqliteFingerprintStore Open(string path, TimeProvider timeProvider, out SqliteDatabaseProvider provider)
    {
        provider = Track(new SqliteDatabaseProvider());
        var options = new DocPipelineOptions { DataDirectory = Directory.Path };
        options.Fingerprint.StoragePath = path;
        return new SqliteFingerprintStore(provider, Options.Create(options), timeProvider);
    }

    private SqliteDatabaseProvider Track(SqliteDatabaseProvider provider)
    {
        _providers.Add(provider);
        return provider;
    }
}
