using System.Diagnostics;
using DocPipeline.Configuration;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Vector;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static DocPipeline.Specification.Tests.Indexing.VectorTestData;

namespace DocPipeline.Tests.Indexing.Vector;

/// <summary>What only an on-disk index has to prove: restart, crash safety, damage reports, the folder lock, growth, copies.</summary>
public sealed class EmbeddedVectorIndexTests : IAsyncLifetime
{
    private const double Tolerance = 1e-5;
    private readonly TestDirectory _directory = new();
    private readonly List<EmbeddedVectorIndex> _opened = [];

    private string IndexPath => _directory.File("vectors");

    private string VectorFile => Path.Combine(IndexPath, "vectors.bin");

    private string CatalogFile => Path.Combine(IndexPath, "vectors.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var index in _opened)
        {
            await index.DisposeAsync();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task Reopen_AfterDispose_KeepsEntriesVectorsAndDimensions()
    {
        var random = new Random(3);
        var records = Enumerable.Range(0, 50).Select(i => Record($"c{i}", $"d{i % 5}", RandomVector(random, 12), version: i)).ToList();
        var query = RandomVector(random, 12);
        IReadOnlyList<IndexHit> before;
        await using (var index = Open())
        {
            await index.UpsertAsync(records);
            before = await index.SearchAsync(query, 10);
        }

        var reopened = Open();

        Assert.Equal(before, await reopened.SearchAsync(query, 10));
        Assert.Equal(50, (await ListAsync(reopened)).Count);
        Assert.Equal(new IndexStatistics(50, 5, (await reopened.GetStatisticsAsync()).SizeBytes), await reopened.GetStatisticsAsync());
        var error = await Assert.ThrowsAsync<ArgumentException>(() => reopened.UpsertAsync([Record("x", "d", [1f, 2f])]));
        Assert.Contains("12 dimensions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reopen_AfterReplacementsAndDeletes_SameEntriesAndResults()
    {
        var index = Open(initialCapacity: 4);
        await index.UpsertAsync(Enumerable.Range(0, 20).Select(c => Versioned(c, 1)).ToList());
        await index.UpsertAsync(Enumerable.Range(0, 10).Select(c => Versioned(c, 2)).ToList());
        await index.DeleteChunksAsync(["c3", "c15"]);
        await index.UpsertAsync([Versioned(40, 1), Versioned(41, 1)]);
        var entries = await ListAsync(index);
        var query = RandomVector(new Random(9), 8);
        var hits = await index.SearchAsync(query, 25);
        await index.DisposeAsync();

        var reopened = Open(initialCapacity: 4);

        Assert.Equal(entries.OrderBy(e => e.ChunkId, StringComparer.Ordinal), (await ListAsync(reopened)).OrderBy(e => e.ChunkId, StringComparer.Ordinal));
        Assert.Equal(hits, await reopened.SearchAsync(query, 25));
        await AssertEveryEntryHoldsItsVersionedVectorAsync(reopened);
    }

    [Fact]
    public async Task Crash_FilesCopiedWhileIndexIsOpen_EveryAcknowledgedWriteSurvives()
    {
        // A process crash loses the process, not the page cache: the files as they are on disk right after the
        // writes were acknowledged (copied without closing anything) are what a restarted process opens.
        var index = Open(initialCapacity: 4);
        await index.UpsertAsync(Enumerable.Range(0, 12).Select(c => Versioned(c, 1)).ToList());
        await index.UpsertAsync([Versioned(2, 2), Versioned(5, 2)]);
        await index.DeleteDocumentsAsync(["d1"]);
        var expected = await ListAsync(index);
        var crashed = _directory.File("crashed");
        Directory.CreateDirectory(crashed);
        foreach (var name in new[] { "vectors.bin", "vectors.db", "vectors.db-wal" }.Where(n => File.Exists(Path.Combine(IndexPath, n))))
        {
            File.Copy(Path.Combine(IndexPath, name), Path.Combine(crashed, name));
        }

        var restarted = Open(crashed);

        Assert.Equal(expected.OrderBy(e => e.ChunkId, StringComparer.Ordinal), (await ListAsync(restarted)).OrderBy(e => e.ChunkId, StringComparer.Ordinal));
        await AssertEveryEntryHoldsItsVersionedVectorAsync(restarted);
    }

    [Fact]
    public async Task Crash_VectorsWrittenButCatalogNotCommitted_OldVectorsServedAndNoTornVectorVisible()
    {
        await using (var index = Open(initialCapacity: 8))
        {
            await index.UpsertAsync(Enumerable.Range(0, 4).Select(c => Versioned(c, 1)).ToList());
        }

        // Simulate an upsert replacing c0 that crashed after writing (part of) its vector into the next free slot,
        // before the catalog commit: half of the new vector, then garbage.
        var replacement = VersionedVector(0, 2, 8);
        await using (var file = new FileStream(VectorFile, FileMode.Open, FileAccess.Write))
        {
            file.Seek(4096 + (4 * 8 * sizeof(float)), SeekOrigin.Begin);
            file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(replacement.AsSpan(0, 4)));
            file.Write(Enumerable.Repeat((byte)0xFF, 4 * sizeof(float)).ToArray());
        }

        var reopened = Open(initialCapacity: 8);

        Assert.Contains(new IndexEntry("c0", "d0", 1), await ListAsync(reopened));
        var hits = await reopened.SearchAsync(replacement, 10);
        Assert.Equal(4, hits.Count);
        Assert.All(hits, hit => Assert.Equal(Cosine(replacement, VersionedVector(int.Parse(hit.ChunkId.AsSpan(1)), 1, 8)), hit.Score, Tolerance));
        await AssertEveryEntryHoldsItsVersionedVectorAsync(reopened);

        // The slot the crashed write used is free: the retried upsert takes it and the file does not grow.
        await reopened.UpsertAsync([Versioned(0, 2)]);
        Assert.Equal(1.0, (await reopened.SearchAsync(replacement, 1)).Single().Score, Tolerance);
        Assert.Equal(4096 + (8 * 8 * sizeof(float)), new FileInfo(VectorFile).Length);
    }

    [Fact]
    public async Task Open_LeftoverVectorFileWithoutCommittedDimensions_StartsEmpty()
    {
        // A first upsert that crashed after creating the vector file but before its commit leaves a file the catalog never adopted.
        await using (var index = Open())
        {
            Assert.Equal(0, (await index.GetStatisticsAsync()).Entries);
        }

        await File.WriteAllBytesAsync(VectorFile, new byte[10_000]);

        var reopened = Open();
        Assert.Empty(await ListAsync(reopened));
        await reopened.UpsertAsync([Record("a", "d", [1f, 2f, 3f])]);
        await reopened.DisposeAsync();

        var again = Open();
        Assert.Equal(1.0, (await again.SearchAsync(new float[] { 1f, 2f, 3f }, 1)).Single().Score, Tolerance);
    }

    [Fact]
    public async Task Open_SecondInstanceOnTheSameFolder_RefusedNamingTheLockFileUntilTheFirstCloses()
    {
        var first = Open();
        await first.UpsertAsync([Record("a", "d", [1f, 0f])]);
        var second = Open();

        var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => second.SearchAsync(new float[] { 1f, 0f }, 1));

        Assert.Contains(Path.Combine(IndexPath, "vectors.lock"), error.Message, StringComparison.Ordinal);
        Assert.Contains("another process", error.Message, StringComparison.Ordinal);
        await first.DisposeAsync();
        Assert.Equal("a", (await second.SearchAsync(new float[] { 1f, 0f }, 1)).Single().ChunkId);
    }

    [SkippableFact]
    public async Task Open_LockHeldByAnotherProcess_RefusedAndOurLockIsVisibleToOtherProcesses()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/usr/bin/flock") && File.Exists("/bin/bash"), "needs bash and the util-linux flock command, which takes the same lock from another process");
        var lockFile = Path.Combine(IndexPath, "vectors.lock");
        Directory.CreateDirectory(IndexPath);

        // Another process holds the lock: this one must refuse to open the folder. One process holds it (bash opens
        // the file, waits for its lock (our probes hold it for a moment), then becomes sleep keeping the descriptor),
        // so its exit is exactly the lock's release.
        using (var holder = Process.Start(new ProcessStartInfo("/bin/bash", ["-c", "exec 9>\"$1\" && /usr/bin/flock 9 && exec sleep 30", "_", lockFile]))!)
        {
            try
            {
                var locked = await WaitForLockAsync(lockFile);
                Assert.True(locked, "the flock process did not take the lock");
                var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => Open().GetStatisticsAsync());
                Assert.Contains("another process", error.Message, StringComparison.Ordinal);
            }
            finally
            {
                holder.Kill();
                await holder.WaitForExitAsync();
            }
        }

        // This process holds the lock: another process cannot take it.
        var index = Open();
        await index.GetStatisticsAsync();
        Assert.Equal(99, await RunFlockAsync(lockFile));
        await index.DisposeAsync();
        Assert.Equal(0, await RunFlockAsync(lockFile));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Open_VectorFileMissing_ReportsItByName(bool probe)
    {
        await SeedAndCloseAsync();
        File.Delete(VectorFile);

        var error = await TryOpenAsync(Open(), probe);

        Assert.NotNull(error);
        Assert.Contains(VectorFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_VectorFileHeaderDamaged_ReportsItByNameAndLeavesItUntouched()
    {
        await SeedAndCloseAsync();
        await using (var file = new FileStream(VectorFile, FileMode.Open, FileAccess.Write))
        {
            file.Write("GARBAGE!"u8);
        }

        var bytes = await File.ReadAllBytesAsync(VectorFile);

        var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => Open().SearchAsync(new float[] { 1f, 0f, 0f, 0f }, 1));

        Assert.Contains(VectorFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(VectorFile));
    }

    [Theory]
    [InlineData(4096 + 16, false)]
    [InlineData(4096 + (4 * 16) + 3, false)]
    [InlineData(4096 + 16, true)]
    [InlineData(4096 + (4 * 16) + 3, true)]
    public async Task Open_VectorFileTruncatedOrOfBrokenLength_ReportsItByName(int length, bool probe)
    {
        await SeedAndCloseAsync();
        await using (var file = new FileStream(VectorFile, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(length);
        }

        var error = await TryOpenAsync(Open(), probe);

        Assert.NotNull(error);
        Assert.Contains(VectorFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_CatalogNotADatabase_ReportsItByName()
    {
        Directory.CreateDirectory(IndexPath);
        await File.WriteAllTextAsync(CatalogFile, "this is not a database, it is a text file that happens to be long enough to look like a header");

        var error = await Open().TryOpenAsync(CancellationToken.None);

        Assert.NotNull(error);
        Assert.Contains(CatalogFile, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_CatalogPagesCorrupt_ReportsTheCatalogByName()
    {
        await using (var index = Open())
        {
            await index.UpsertAsync(Enumerable.Range(0, 3000).Select(c => Versioned(c, 1)).ToList());
        }

        // Keep the first pages (header and schema) so the file still opens, and break the entry pages behind them.
        var bytes = await File.ReadAllBytesAsync(CatalogFile);
        Array.Fill(bytes, (byte)0x5A, bytes.Length / 2, bytes.Length - (bytes.Length / 2));
        await File.WriteAllBytesAsync(CatalogFile, bytes);

        var error = await Open().TryOpenAsync(CancellationToken.None);

        Assert.NotNull(error);
        Assert.Contains(CatalogFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Open_CatalogMissingOrEmptyButVectorFilePresent_ReportsTheCatalogByNameAndChangesNothing(bool delete)
    {
        await SeedAndCloseAsync();
        if (delete)
        {
            File.Delete(CatalogFile);
        }
        else
        {
            await File.WriteAllBytesAsync(CatalogFile, []);
        }

        var bytes = await File.ReadAllBytesAsync(VectorFile);

        var error = await Open().TryOpenAsync(CancellationToken.None);

        Assert.NotNull(error);
        Assert.Contains(CatalogFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("missing or empty", error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(VectorFile));
        Assert.Equal(delete, !File.Exists(CatalogFile));
    }

    [Fact]
    public async Task Open_FolderRepairedAfterAFailedOpen_OpensOnTheNextCall()
    {
        await SeedAndCloseAsync();
        var aside = VectorFile + ".aside";
        File.Move(VectorFile, aside);
        var index = Open();
        Assert.NotNull(await index.TryOpenAsync(CancellationToken.None));

        File.Move(aside, VectorFile);

        Assert.Null(await index.TryOpenAsync(CancellationToken.None));
        Assert.Equal(4, (await index.GetStatisticsAsync()).Entries);
    }

    [Fact]
    public async Task ResetAsync_DamagedIndex_MovesEveryFileAsideAndStartsEmpty()
    {
        await SeedAndCloseAsync();
        await File.WriteAllBytesAsync(VectorFile, new byte[100]);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 30, 45, TimeSpan.Zero));
        var index = Open(timeProvider: time);
        Assert.NotNull(await index.TryOpenAsync(CancellationToken.None));

        var suffix = await index.ResetAsync(CancellationToken.None);

        Assert.Equal(".damaged-20260301T123045000Z", suffix);
        Assert.Equal(100, new FileInfo(VectorFile + suffix).Length);
        Assert.True(File.Exists(CatalogFile + suffix));
        Assert.Null(await index.TryOpenAsync(CancellationToken.None));
        Assert.Empty(await ListAsync(index));
        await index.UpsertAsync([Record("a", "d", [1f, 1f])]);
        Assert.Single(await index.SearchAsync(new float[] { 1f, 1f }, 5));
    }

    [Fact]
    public async Task UpsertAsync_BeyondCapacity_GrowsTheFileByDoublingAndKeepsEveryVector()
    {
        var index = Open(initialCapacity: 4);
        await index.UpsertAsync(Enumerable.Range(0, 4).Select(c => Versioned(c, 1)).ToList());
        Assert.Equal(SlotFileLength(4), new FileInfo(VectorFile).Length);

        await index.UpsertAsync([Versioned(4, 1)]);
        Assert.Equal(SlotFileLength(8), new FileInfo(VectorFile).Length);

        await index.UpsertAsync(Enumerable.Range(5, 30).Select(c => Versioned(c, 1)).ToList());
        Assert.Equal(SlotFileLength(35), new FileInfo(VectorFile).Length);

        await index.UpsertAsync([Versioned(35, 1)]);
        Assert.Equal(SlotFileLength(70), new FileInfo(VectorFile).Length);
        await index.DisposeAsync();

        var reopened = Open(initialCapacity: 4);
        Assert.Equal(36, (await reopened.GetStatisticsAsync()).Entries);
        await AssertEveryEntryHoldsItsVersionedVectorAsync(reopened);
    }

    [Fact]
    public async Task UpsertAsync_ConcurrentCallers_WrittenTogetherYetEachGetsItsOwnOutcome()
    {
        var index = Open();
        await index.UpsertAsync([Versioned(0, 1)]);
        using var cancelled = new CancellationTokenSource();
        Task upsertsDone;
        Task bad;
        Task gaveUp;
        using (await index.HoldWritesAsync())
        {
            // Queued while a write holds the gate: the next writer writes them all as one batch.
            var good = Enumerable.Range(1, 20).Select(c => index.UpsertAsync([Versioned(c, 1), Versioned(c + 100, 1)])).ToList();
            bad = index.UpsertAsync([Record("wrong", "d", [1f, 2f, 3f])]);
            gaveUp = index.UpsertAsync([Versioned(50, 1)], cancelled.Token);
            good.Add(index.UpsertAsync([Versioned(1, 2)]));
            upsertsDone = Task.WhenAll(good);
            await cancelled.CancelAsync();
        }

        await upsertsDone;
        var error = await Assert.ThrowsAsync<ArgumentException>(() => bad);
        Assert.Contains("8 dimensions", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gaveUp);
        var entries = await ListAsync(index);
        Assert.Equal(41, entries.Count);
        Assert.DoesNotContain(entries, e => e.ChunkId is "wrong" or "c50");

        // The later of two queued upserts of one chunk wins, as if they had run one after the other.
        Assert.Equal(2, entries.Single(e => e.ChunkId == "c1").Version);
        await AssertEveryEntryHoldsItsVersionedVectorAsync(index);
    }

    [Fact]
    public async Task UpsertAsync_AfterDeletesAndReplacements_ReusesFreedSlotsInsteadOfGrowing()
    {
        var index = Open(initialCapacity: 8);
        await index.UpsertAsync(Enumerable.Range(0, 8).Select(c => Versioned(c, 1)).ToList());
        await index.DeleteChunksAsync(["c0", "c1", "c2"]);
        await index.UpsertAsync([Versioned(20, 1), Versioned(21, 1), Versioned(22, 1)]);
        Assert.Equal(SlotFileLength(8), new FileInfo(VectorFile).Length);

        // A replacement needs a new slot before it frees the old one: one growth, then steady reuse.
        for (var version = 2; version <= 6; version++)
        {
            await index.UpsertAsync([Versioned(20, version), Versioned(21, version)]);
        }

        Assert.Equal(SlotFileLength(16), new FileInfo(VectorFile).Length);
        await AssertEveryEntryHoldsItsVersionedVectorAsync(index);
    }

    [Fact]
    public async Task UpsertAsync_FreedWhileAReaderHoldsAnOlderSnapshot_SlotsNotReusedUntilTheDeleteIsDurable()
    {
        // A freed slot may only be overwritten once the commit that freed it is durable; otherwise a power loss could
        // bring back a catalog row pointing at the new vector. An open entry listing pins an older snapshot, so the
        // checkpoint that makes the delete durable cannot finish: the index must grow instead of reusing.
        var index = Open(initialCapacity: 8);
        await index.UpsertAsync(Enumerable.Range(0, 8).Select(c => Versioned(c, 1)).ToList());
        var listing = index.ListEntriesAsync().GetAsyncEnumerator();
        Assert.True(await listing.MoveNextAsync());

        await index.DeleteChunksAsync(["c0", "c1", "c2"]);
        await index.UpsertAsync([Versioned(20, 1), Versioned(21, 1), Versioned(22, 1)]);

        Assert.Equal(SlotFileLength(16), new FileInfo(VectorFile).Length);
        await listing.DisposeAsync();
        await AssertEveryEntryHoldsItsVersionedVectorAsync(index);

        // With the reader gone the freed slots become reusable: filling the file needs no further growth.
        await index.UpsertAsync(Enumerable.Range(30, 8).Select(c => Versioned(c, 1)).ToList());
        Assert.Equal(SlotFileLength(16), new FileInfo(VectorFile).Length);
        Assert.Equal(16, (await index.GetStatisticsAsync()).Entries);
        await AssertEveryEntryHoldsItsVersionedVectorAsync(index);
    }

    [Fact]
    public async Task UpsertAsync_SameVectorWithNewMetadata_UpdatesMetadataInPlace()
    {
        var index = Open(initialCapacity: 1);
        float[] vector = [0.5f, 0.25f, 1f];
        await index.UpsertAsync([Record("a", "d", vector, version: 1, metadata: new Dictionary<string, string> { ["page"] = "1", ["source"] = "a.pdf" })]);
        var length = new FileInfo(VectorFile).Length;

        await index.UpsertAsync([Record("a", "d", vector, version: 2, metadata: new Dictionary<string, string> { ["page"] = "2" })]);

        Assert.Equal(new Dictionary<string, string> { ["page"] = "2" }, await index.GetMetadataAsync("a", CancellationToken.None));
        Assert.Equal(length, new FileInfo(VectorFile).Length);
        await index.DisposeAsync();
        var reopened = Open(initialCapacity: 1);
        Assert.Equal(new Dictionary<string, string> { ["page"] = "2" }, await reopened.GetMetadataAsync("a", CancellationToken.None));
        Assert.Equal([new IndexEntry("a", "d", 2)], await ListAsync(reopened));
        Assert.Null(await reopened.GetMetadataAsync("unknown", CancellationToken.None));
    }

    [Fact]
    public async Task UpsertAsync_LargeBatchOf100000_SearchesMatchBruteForce()
    {
        const int Count = 100_000;
        const int Dimensions = 64;
        var random = new Random(42);
        var vectors = Enumerable.Range(0, Count).Select(_ => RandomVector(random, Dimensions)).ToArray();
        var index = Open(initialCapacity: 1024, parallelism: 4);

        await index.UpsertAsync(vectors.Select((v, i) => Record($"c{i}", $"d{i / 20}", v)).ToList());

        Assert.Equal(new IndexStatistics(Count, Count / 20, (await index.GetStatisticsAsync()).SizeBytes), await index.GetStatisticsAsync());
        for (var q = 0; q < 5; q++)
        {
            var query = RandomVector(random, Dimensions);
            var expected = TopScores(query, vectors, 10);
            var hits = await index.SearchAsync(query, 10);
            Assert.Equal(10, hits.Select(h => h.ChunkId).Distinct().Count());
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal(expected[i], hits[i].Score, Tolerance);
                Assert.Equal(Cosine(query, vectors[int.Parse(hits[i].ChunkId.AsSpan(1))]), hits[i].Score, Tolerance);
            }
        }

        foreach (var i in Enumerable.Range(0, 20).Select(_ => random.Next(Count)))
        {
            var hit = (await index.SearchAsync(vectors[i], 1)).Single();
            Assert.Equal($"c{i}", hit.ChunkId);
            Assert.Equal(1.0, hit.Score, Tolerance);
        }
    }

    [Fact]
    public async Task CopyToAsync_WhileWritesRun_CopyOpensAsAConsistentIndex()
    {
        var index = Open(initialCapacity: 4);
        await index.UpsertAsync(Enumerable.Range(0, 30).Select(c => Versioned(c, 1, metadata: "first")).ToList());
        var writer = Task.Run(async () =>
        {
            for (var version = 2; version < 30; version++)
            {
                await index.UpsertAsync(Enumerable.Range(0, 30).Where(c => c % 3 == version % 3).Select(c => Versioned(c, version)).ToList());
                await index.DeleteChunksAsync([$"c{version}"]);
            }
        });
        var copy = _directory.File("copy");

        await index.CopyToAsync(copy, CancellationToken.None);
        await writer;

        var copied = Open(copy);
        Assert.NotEmpty(await ListAsync(copied));
        await AssertEveryEntryHoldsItsVersionedVectorAsync(copied);
        Assert.Equal(new Dictionary<string, string> { ["note"] = "first" }, await copied.GetMetadataAsync("c0", CancellationToken.None));
        await Assert.ThrowsAsync<IOException>(() => index.CopyToAsync(copy, CancellationToken.None));
    }

    [Fact]
    public async Task ClearAsync_DeletesTheVectorFileAndTheIndexStaysUsableAfterReopen()
    {
        var index = Open();
        await index.UpsertAsync(Enumerable.Range(0, 10).Select(c => Versioned(c, 1)).ToList());
        var before = (await index.GetStatisticsAsync()).SizeBytes;

        await index.ClearAsync();

        Assert.False(File.Exists(VectorFile));
        Assert.True((await index.GetStatisticsAsync()).SizeBytes < before);
        await index.UpsertAsync([Record("a", "d", [1f, 1f, 1f])]);
        await index.DisposeAsync();
        Assert.Equal([new IndexEntry("a", "d", 1)], await ListAsync(Open()));
    }

    [Fact]
    public async Task GetStatisticsAsync_ReportsTheBytesOfTheIndexFiles()
    {
        var index = Open();
        await index.UpsertAsync(Enumerable.Range(0, 10).Select(c => Versioned(c, 1)).ToList());

        var statistics = await index.GetStatisticsAsync();

        Assert.True(statistics.SizeBytes >= new FileInfo(VectorFile).Length + new FileInfo(CatalogFile).Length);
    }

    [Fact]
    public async Task Dispose_ThenAnyOperation_ThrowsObjectDisposed()
    {
        var index = Open();
        await index.UpsertAsync([Record("a", "d", [1f, 0f])]);

        index.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => index.SearchAsync(new float[] { 1f, 0f }, 1));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => index.UpsertAsync([Record("b", "d", [0f, 1f])]));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => index.GetStatisticsAsync());
        Assert.False(File.Exists(Path.Combine(IndexPath, "vectors.lock")));
    }

    [Fact]
    public async Task Dispose_WhileAWriteRuns_WriteCompletesThenTheFolderIsReleased()
    {
        var index = Open();
        await index.UpsertAsync([Versioned(0, 1)]);
        var write = index.UpsertAsync(Enumerable.Range(1, 5000).Select(c => Versioned(c, 1)).ToList());

        index.Dispose();
        await write;

        Assert.False(File.Exists(Path.Combine(IndexPath, "vectors.lock")));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => index.SearchAsync(new float[8], 1));
        var reopened = Open();
        Assert.Equal(5001, (await reopened.GetStatisticsAsync()).Entries);
    }

    private static long SlotFileLength(int capacity) => 4096 + ((long)capacity * 8 * sizeof(float));

    private static VectorRecord Versioned(int chunk, int version, string? metadata = null) =>
        Record($"c{chunk}", $"d{chunk % 3}", VersionedVector(chunk, version, 8), version, metadata is null ? null : new Dictionary<string, string> { ["note"] = metadata });

    /// <summary>Every entry's vector is the one of its (chunk, version): searching with it finds the entry itself at score 1.</summary>
    private static async Task AssertEveryEntryHoldsItsVersionedVectorAsync(EmbeddedVectorIndex index)
    {
        foreach (var entry in await ListAsync(index))
        {
            var vector = VersionedVector(int.Parse(entry.ChunkId.AsSpan(1)), entry.Version, 8);
            var hit = (await index.SearchAsync(vector, 1)).Single();
            Assert.Equal(entry.ChunkId, hit.ChunkId);
            Assert.Equal(entry.Version, hit.Version);
            Assert.Equal(1.0, hit.Score, Tolerance);
        }
    }

    private static async Task<int> RunFlockAsync(string lockFile)
    {
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/flock", ["-n", "-E", "99", lockFile, "true"]))!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    private static async Task<bool> WaitForLockAsync(string lockFile)
    {
        // Polls another process's progress (not a timed assertion): flock takes the lock shortly after it starts.
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (await RunFlockAsync(lockFile) == 99)
            {
                return true;
            }

            await Task.Delay(25);
        }

        return false;
    }

    /// <summary>The full open, or the cheap one of a pipeline's start (see <see cref="EmbeddedVectorIndex.TryProbeAsync"/>).</summary>
    private static Task<DocPipelineStorageException?> TryOpenAsync(EmbeddedVectorIndex index, bool probe) =>
        probe ? index.TryProbeAsync(CancellationToken.None) : index.TryOpenAsync(CancellationToken.None);

    private async Task SeedAndCloseAsync()
    {
        await using var index = Open();
        await index.UpsertAsync(
        [
            Record("a", "d", [1f, 0f, 0f, 0f]), Record("b", "d", [0f, 1f, 0f, 0f]),
            Record("c", "d", [0f, 0f, 1f, 0f]), Record("e", "d", [0f, 0f, 0f, 1f]),
        ]);
    }

    private EmbeddedVectorIndex Open(string? directory = null, int initialCapacity = 1024, int parallelism = 0, TimeProvider? timeProvider = null)
    {
        var index = new EmbeddedVectorIndex(
            directory ?? IndexPath,
            new VectorIndexOptions { InitialCapacity = initialCapacity, MaxSearchParallelism = parallelism },
            timeProvider ?? TimeProvider.System,
            NullLogger.Instance);
        _opened.Add(index);
        return index;
    }
}
