using DocPipeline.Indexing;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Specification.Tests;
using Lucene.Net.Index;

namespace DocPipeline.Tests.Indexing.Keyword;

/// <summary>A read-only keyword index beside the writer of its folder: no write.lock, the last commit, newer commits picked up.</summary>
public sealed class ReadOnlyLuceneKeywordIndexTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    private string Folder => _directory.File("keyword");

    [Fact]
    public async Task Search_WhileAnotherInstanceWrites_SeesEachCommitAndCountsOnlyGrow()
    {
        using var reader = new LuceneKeywordIndex(Settings(readOnly: true), TimeProvider.System);
        Assert.Empty(await reader.SearchAsync("lantern", 10));
        Assert.False(Directory.Exists(Folder), "A read-only open created the index folder.");

        using var writer = new LuceneKeywordIndex(Settings(readOnly: false), TimeProvider.System);
        long seen = 0;
        for (var round = 0; round < 20; round++)
        {
            var records = Enumerable.Range(round * 25, 25)
                .Select(i => new KeywordRecord { ChunkId = $"c{i}", DocumentId = $"d{i}", Text = $"lantern number {i}" })
                .ToList();
            var writing = writer.UpsertAsync(records);
            while (!writing.IsCompleted)
            {
                var entries = (await reader.GetStatisticsAsync()).Entries;
                Assert.True(entries >= seen, $"The reader went back from {seen} to {entries} entries.");
                seen = entries;
                _ = await reader.SearchAsync("lantern", 5);
                await Task.Yield();
            }

            await writing;
        }

        await WaitForAsync(async () => (await reader.GetStatisticsAsync()).Entries == 500);
        Assert.Equal(10, (await reader.SearchAsync("lantern", 10)).Count);
        Assert.Equal(500, await reader.ListEntriesAsync().CountAsync());
        Assert.Null(await reader.CheckIntegrityAsync(deep: true, CancellationToken.None));
    }

    [Fact]
    public async Task Writes_OnAReadOnlyIndex_AreRefusedAndTheWriterKeepsItsLock()
    {
        using var writer = new LuceneKeywordIndex(Settings(readOnly: false), TimeProvider.System);
        await writer.UpsertAsync([new KeywordRecord { ChunkId = "c1", DocumentId = "d1", Text = "copper compass" }]);
        using var reader = new LuceneKeywordIndex(Settings(readOnly: true), TimeProvider.System);

        Assert.Single(await reader.SearchAsync("compass", 5));
        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.UpsertAsync([new KeywordRecord { ChunkId = "c2", DocumentId = "d2", Text = "x" }]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.DeleteDocumentsAsync(["d1"]));

        // The writer still writes: the reader neither took nor broke write.lock.
        await writer.UpsertAsync([new KeywordRecord { ChunkId = "c3", DocumentId = "d3", Text = "copper violin" }]);
        Assert.True(File.Exists(Path.Combine(Folder, IndexWriter.WRITE_LOCK_NAME)));
        await WaitForAsync(async () => (await reader.SearchAsync("copper", 5)).Count == 2);
    }

    public void Dispose() => _directory.Dispose();

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    private LuceneKeywordIndexSettings Settings(bool readOnly) =>
        new(Folder, TimeSpan.FromMilliseconds(100), 16) { ReadOnly = readOnly };
}
