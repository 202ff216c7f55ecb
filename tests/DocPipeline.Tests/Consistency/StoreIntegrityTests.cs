using DocPipeline.Consistency;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Vector;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Ingestion;
using Microsoft.Data.Sqlite;

namespace DocPipeline.Tests.Consistency;

/// <summary>Verify's integrity checks of what each store holds, on real files damaged on disk between two containers.</summary>
public sealed class StoreIntegrityTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string VectorFile => _directory.File("data/vectors/" + VectorStore.VectorFileName);

    private string VectorCatalogFile => _directory.File("data/vectors/" + VectorStore.CatalogFileName);

    private string RegistryFile => _directory.File("data/registry.db");

    [Fact]
    public async Task VerifyAsync_DeepOnACleanFolder_EveryStoreIntactAndConsistent()
    {
        await IngestAndCloseAsync();
        await using var pipeline = new TestPipeline(_directory);

        var report = await pipeline.Get<IIndexMaintenance>().VerifyAsync(new VerifyOptions { Deep = true });

        Assert.True(report.IsConsistent, Describe(report));
        Assert.True(report.Deep);
        Assert.Equal(["fingerprints", "jobs", "keyword", "registry", "vector"], report.Stores.Keys.Order(StringComparer.Ordinal));
        Assert.All(report.Stores.Values, store => Assert.True(store.IsIntact, store.Error));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task VerifyAsync_RandomBytesInTheVectorFile_NamesTheVectorStoreDamaged(bool deep)
    {
        await IngestAndCloseAsync();
        OverwriteWithRandomBytes(VectorFile, VectorSlotFile.HeaderBytes, 64 * 1024);
        await using var pipeline = new TestPipeline(_directory);

        var report = await pipeline.Get<IIndexMaintenance>().VerifyAsync(new VerifyOptions { Deep = deep });

        Assert.False(report.IsConsistent);
        Assert.False(report.IsIntact);
        var vector = report.Stores["vector"];
        Assert.False(vector.IsIntact);
        Assert.Contains(VectorFile, vector.Error, StringComparison.Ordinal);
        Assert.Contains("not unit vectors", vector.Error, StringComparison.Ordinal);
        Assert.All(report.Stores.Values.Where(s => s.Name != "vector"), store => Assert.True(store.IsIntact, store.Error));
    }

    [Fact]
    public async Task VerifyAsync_DeepAfterAVectorWasSwappedForAnotherUnitVector_NamesTheVectorStoreByItsChecksum()
    {
        await IngestAndCloseAsync();

        // Negating a stored vector keeps it a unit vector: only its checksum can tell.
        var bytes = File.ReadAllBytes(VectorFile);
        for (var i = 0; i < 384; i++)
        {
            bytes[VectorSlotFile.HeaderBytes + (i * 4) + 3] ^= 0x80;
        }

        File.WriteAllBytes(VectorFile, bytes);
        await using var pipeline = new TestPipeline(_directory);
        var maintenance = pipeline.Get<IIndexMaintenance>();

        var fast = await maintenance.VerifyAsync();
        var deep = await maintenance.VerifyAsync(new VerifyOptions { Deep = true });

        Assert.True(fast.Stores["vector"].IsIntact);
        Assert.False(deep.Stores["vector"].IsIntact);
        Assert.Contains("1 do not match their checksums", deep.Stores["vector"].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_DeepOnVectorsStoredWithoutChecksums_RecordsThemOnceAndThenChecksThem()
    {
        await IngestAndCloseAsync();
        long rows;
        using (var connection = new SqliteConnection($"Data Source={VectorCatalogFile};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE vector_entries SET checksum = NULL;";
            rows = command.ExecuteNonQuery();
        }

        Assert.True(rows > 10);
        await using var pipeline = new TestPipeline(_directory);
        var maintenance = pipeline.Get<IIndexMaintenance>();

        var first = await maintenance.VerifyAsync(new VerifyOptions { Deep = true });
        var second = await maintenance.VerifyAsync(new VerifyOptions { Deep = true });

        Assert.True(first.IsConsistent, Describe(first));
        Assert.Equal($"recorded the checksums of {rows} vectors stored before checksums existed", first.Stores["vector"].Note);
        Assert.True(second.IsConsistent, Describe(second));
        Assert.Null(second.Stores["vector"].Note);
    }

    [Fact]
    public async Task SearchAsync_RandomBytesInTheVectorFile_RefusesToAnswerFromThem()
    {
        await IngestAndCloseAsync();
        OverwriteWithRandomBytes(VectorFile, VectorSlotFile.HeaderBytes, 64 * 1024);
        await using var pipeline = new TestPipeline(_directory);
        var query = new float[384];
        query[0] = 1;

        var error = await Assert.ThrowsAsync<DocPipelineStorageException>(() => pipeline.Get<IVectorIndex>().SearchAsync(query, 5));

        Assert.Contains(VectorFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("is damaged", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task VerifyAsync_RandomBytesInRegistryPages_NamesTheRegistryDamaged(bool deep)
    {
        await IngestAndCloseAsync();
        CorruptLeafPages(RegistryFile, "embeddings%", 64 * 1024);
        await using var pipeline = new TestPipeline(_directory);

        var report = await pipeline.Get<IIndexMaintenance>().VerifyAsync(new VerifyOptions { Deep = deep });

        Assert.False(report.IsConsistent);
        var registry = report.Stores["registry"];
        Assert.False(registry.IsIntact);
        Assert.Contains(RegistryFile, registry.Error, StringComparison.Ordinal);
        Assert.Contains(deep ? "integrity_check" : "quick_check", registry.Error, StringComparison.Ordinal);
        Assert.True(report.Stores["vector"].IsIntact, report.Stores["vector"].Error);
        Assert.True(report.Stores["keyword"].IsIntact, report.Stores["keyword"].Error);
    }

    [Fact]
    public async Task VerifyAsync_DeepWithAGarbledLuceneFile_NamesTheKeywordIndexDamaged()
    {
        await IngestAndCloseAsync();
        var segment = LargestSegmentFile();
        var length = new FileInfo(segment).Length;
        OverwriteWithRandomBytes(segment, length / 2, 16);
        await using var pipeline = new TestPipeline(_directory);
        var maintenance = pipeline.Get<IIndexMaintenance>();

        var deep = await maintenance.VerifyAsync(new VerifyOptions { Deep = true });

        Assert.False(deep.IsConsistent);
        var keyword = deep.Stores["keyword"];
        Assert.False(keyword.IsIntact);
        Assert.Contains(_directory.File("data/keyword"), keyword.Error, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(segment), keyword.Error, StringComparison.Ordinal);
        Assert.True(deep.Stores["vector"].IsIntact, deep.Stores["vector"].Error);
    }

    [Fact]
    public async Task VerifyAsync_TruncatedLuceneFile_NamesTheKeywordIndexDamaged()
    {
        await IngestAndCloseAsync();
        var segment = LargestSegmentFile();
        using (var stream = new FileStream(segment, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(stream.Length - 8);
        }

        await using var pipeline = new TestPipeline(_directory);

        var report = await pipeline.Get<IIndexMaintenance>().VerifyAsync();

        Assert.False(report.IsConsistent);
        var keyword = report.Stores["keyword"];
        Assert.False(keyword.IsIntact);
        Assert.Contains(_directory.File("data/keyword"), keyword.Error, StringComparison.Ordinal);
    }

    private static string Describe(ConsistencyReport report) =>
        string.Join("; ", report.Stores.Values.Select(s => $"{s.Name}: {s.Error ?? "intact"}")
            .Concat(report.Indexes.Values.Select(i => $"{i.Name}: {i.Error} {i.Discrepancies}")));

    private static void OverwriteWithRandomBytes(string path, long offset, int count)
    {
        var bytes = new byte[count];
        new Random(12).NextBytes(bytes);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        Assert.True(stream.Length >= offset + count, $"'{path}' holds {stream.Length} bytes");
        stream.Position = offset;
        stream.Write(bytes);
    }

    /// <summary>
    /// Writes random bytes over up to <paramref name="maxBytes"/> of the leaf pages of the tables named like
    /// <paramref name="tables"/>, found by walking their b-trees from the root pages (SQLite's file format).
    /// </summary>
    private static void CorruptLeafPages(string path, string tables, int maxBytes)
    {
        var roots = new List<long>();
        long pageSize;
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
            command.CommandText = "PRAGMA page_size;";
            pageSize = (long)command.ExecuteScalar()!;
            command.CommandText = "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name LIKE $t;";
            command.Parameters.AddWithValue("$t", tables);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                roots.Add(reader.GetInt64(0));
            }
        }

        var file = File.ReadAllBytes(path);
        var leaves = new List<long>();
        var pending = new Stack<long>(roots);
        while (pending.Count > 0)
        {
            var page = pending.Pop();
            var header = (int)((page - 1) * pageSize);
            var type = file[header];
            if (type == 0x0D)
            {
                leaves.Add(page);
                continue;
            }

            Assert.Equal(0x05, type);
            var cells = (file[header + 3] << 8) | file[header + 4];
            pending.Push(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(header + 8)));
            for (var i = 0; i < cells; i++)
            {
                var cell = (file[header + 12 + (2 * i)] << 8) | file[header + 13 + (2 * i)];
                pending.Push(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan((int)((page - 1) * pageSize) + cell)));
            }
        }

        var corrupted = leaves.Order().Take((int)(maxBytes / pageSize)).ToList();
        Assert.NotEmpty(corrupted);
        foreach (var page in corrupted)
        {
            OverwriteWithRandomBytes(path, (page - 1) * pageSize, (int)pageSize);
        }
    }

    private string LargestSegmentFile() => Directory.EnumerateFiles(_directory.File("data/keyword"), "_*")
        .OrderByDescending(file => new FileInfo(file).Length)
        .First();

    private async Task IngestAndCloseAsync()
    {
        var docs = ConsistencyCorpus.Copy(_directory);
        await using var pipeline = new TestPipeline(_directory);
        var result = await pipeline.IngestAsync(docs);
        Assert.Equal(0, result.Failed);
    }
}
