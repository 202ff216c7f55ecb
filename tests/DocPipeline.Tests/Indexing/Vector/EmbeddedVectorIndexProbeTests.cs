using DocPipeline.Configuration;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Vector;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Consistency;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static DocPipeline.Specification.Tests.Indexing.VectorTestData;

namespace DocPipeline.Tests.Indexing.Vector;

/// <summary>
/// The cheap open of a pipeline's start (<see cref="EmbeddedVectorIndex.TryProbeAsync"/>): it finds what a full open
/// finds at the ends of the catalog and in the vector file, loads no entries, and whatever it leaves unloaded is
/// loaded, and checked, by the first search or write.
/// </summary>
public sealed class EmbeddedVectorIndexProbeTests : IAsyncLifetime
{
    private const int OpenedEvent = 4100;
    private readonly TestDirectory _directory = new();
    private readonly CollectingLoggerProvider _logs = new();
    private readonly List<EmbeddedVectorIndex> _opened = [];

    private string IndexPath => _directory.File("vectors");

    private string CatalogFile => Path.Combine(IndexPath, "vectors.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var index in _opened)
        {
            await index.DisposeAsync();
        }

        _logs.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Probe_HealthyIndex_LoadsNoEntryUntilTheFirstSearchYetCountsThem()
    {
        await SeedAndCloseAsync();
        var index = Open();

        Assert.Null(await index.TryProbeAsync(CancellationToken.None));
        var statistics = await index.GetStatisticsAsync();

        Assert.Equal((4, 2), (statistics.Entries, statistics.Documents));
        Assert.DoesNotContain(_logs.Entries, e => e.Event.Id == OpenedEvent);
        Assert.Equal("b", (await index.SearchAsync(new float[] { 0f, 1f, 0f, 0f }, 1)).Single().ChunkId);
        Assert.Contains(_logs.Entries, e => e.Event.Id == OpenedEvent && e.Message.Contains("4 vectors", StringComparison.Ordinal));
        Assert.Equal((4, 2), ((await index.GetStatisticsAsync()).Entries, (await index.GetStatisticsAsync()).Documents));
    }

    [Fact]
    public async Task Probe_ThenWrites_LoadTheEntriesFirstSoSlotsAndCountsStayRight()
    {
        await SeedAndCloseAsync();
        await using (var index = Open())
        {
            Assert.Null(await index.TryProbeAsync(CancellationToken.None));

            // The same vector again keeps its slot, a new chunk takes a free one, a delete frees one: each needs the entries.
            await index.UpsertAsync([Record("a", "d", [1f, 0f, 0f, 0f]), Record("f", "g", [1f, 1f, 0f, 0f])]);
            await index.DeleteChunksAsync(["c"]);
            Assert.Equal(4, (await index.GetStatisticsAsync()).Entries);
        }

        var reopened = Open();
        Assert.Null(await reopened.TryProbeAsync(CancellationToken.None));
        Assert.Equal((4, 3), ((await reopened.GetStatisticsAsync()).Entries, (await reopened.GetStatisticsAsync()).Documents));
        Assert.Equal(["a", "b", "e", "f"], (await ListAsync(reopened)).Order(StringComparer.Ordinal));
        Assert.Equal("f", (await reopened.SearchAsync(new float[] { 1f, 1f, 0f, 0f }, 1)).Single().ChunkId);
        Assert.Equal("e", (await reopened.SearchAsync(new float[] { 0f, 0f, 0f, 1f }, 1)).Single().ChunkId);
    }

    [Theory]
    [InlineData("DELETE FROM vector_settings WHERE name = 'dimensions';", "vectors.db", "records no dimensions")]
    [InlineData("UPDATE vector_entries SET slot = 5000 WHERE chunk_id = 'c';", "vectors.bin", "chunk 'c' in slot 5000")]
    [InlineData("UPDATE vector_entries SET slot = -1 WHERE chunk_id = 'b';", "vectors.bin", "chunk 'b' in slot -1")]
    public async Task Probe_CatalogAndVectorFileDisagree_ReportsTheDamagedFileByName(string change, string file, string expected)
    {
        await SeedAndCloseAsync();
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = CatalogFile, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = change;
            command.ExecuteNonQuery();
        }

        var error = await Open().TryProbeAsync(CancellationToken.None);

        Assert.NotNull(error);
        Assert.Contains(Path.Combine(IndexPath, file), error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_CatalogPageInsideTheEntriesCorrupt_PassesYetTheFirstSearchAndWriteReportTheCatalog()
    {
        await using (var index = Open())
        {
            await index.UpsertAsync(Enumerable.Range(0, 3000).Select(c => Record($"c{c}", $"d{c % 3}", [1f, c, 0f, 0f])).ToList());
        }

        // The pages holding chunk 'c1500' (a leaf of the entries table and one of its chunk id index), from the
        // middle: the probe reads the table's first and last rows and the ends of the slot index only.
        long pageSize;
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = CatalogFile, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA page_size;";
            pageSize = (long)command.ExecuteScalar()!;
        }

        var bytes = await File.ReadAllBytesAsync(CatalogFile);
        var pages = new HashSet<long>();
        for (var at = bytes.AsSpan().IndexOf("c1500"u8); at >= 0; at = bytes.AsSpan(at + 1).IndexOf("c1500"u8) is var next and >= 0 ? at + 1 + next : -1)
        {
            pages.Add(at / pageSize);
        }

        Assert.InRange(pages.Count, 1, 3);
        foreach (var page in pages)
        {
            Array.Fill(bytes, (byte)0x5A, (int)(page * pageSize), (int)pageSize);
        }

        await File.WriteAllBytesAsync(CatalogFile, bytes);
        var damaged = Open();

        Assert.Null(await damaged.TryProbeAsync(CancellationToken.None));
        var searchError = await Assert.ThrowsAsync<DocPipelineStorageException>(() => damaged.SearchAsync(new float[] { 1f, 0f, 0f, 0f }, 1));
        var writeError = await Assert.ThrowsAsync<DocPipelineStorageException>(() => damaged.UpsertAsync([Record("new", "d", [0f, 0f, 1f, 0f])]));
        Assert.All(new[] { searchError, writeError }, error => Assert.Contains(CatalogFile, error.Message, StringComparison.Ordinal));
        Assert.Contains("corrupt", searchError.Message, StringComparison.Ordinal);
        Assert.NotNull(await damaged.TryOpenAsync(CancellationToken.None));
    }

    private static async Task<List<string>> ListAsync(EmbeddedVectorIndex index)
    {
        var ids = new List<string>();
        await foreach (var entry in index.ListEntriesAsync())
        {
            ids.Add(entry.ChunkId);
        }

        return ids;
    }

    private async Task SeedAndCloseAsync()
    {
        await using var index = new EmbeddedVectorIndex(IndexPath, new VectorIndexOptions(), TimeProvider.System, NullLogger.Instance);
        await index.UpsertAsync(
        [
            Record("a", "d", [1f, 0f, 0f, 0f]), Record("b", "d", [0f, 1f, 0f, 0f]),
            Record("c", "d", [0f, 0f, 1f, 0f]), Record("e", "e", [0f, 0f, 0f, 1f]),
        ]);
    }

    private EmbeddedVectorIndex Open()
    {
        var index = new EmbeddedVectorIndex(IndexPath, new VectorIndexOptions { InitialCapacity = 1024 }, TimeProvider.System, _logs.CreateLogger("vector"));
        _opened.Add(index);
        return index;
    }
}
