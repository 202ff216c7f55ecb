using DocPipeline.Consistency;
using DocPipeline.Indexing;
using DocPipeline.Specification.Tests;
using DocPipeline.Storage;
using Lucene.Net.Index;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Tests.Indexing.Keyword;

/// <summary>
/// The on-disk keyword index of a writing container enters the data folder's writer lock before it takes Lucene's
/// write.lock: while another process writes the folder, a read reports the index in use without taking it, and a
/// write waits its turn, then writes.
/// </summary>
public sealed class LuceneKeywordIndexFolderWriterTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task KeywordIndex_WhileAnotherProcessWritesTheFolder_NeverTakesWriteLockAndWritesAfterIt()
    {
        var data = _directory.File("data");
        Directory.CreateDirectory(data);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDocPipeline(o => o.DataDirectory = data).UseHashingEmbeddings();
        await using var provider = services.BuildServiceProvider();
        var keyword = provider.GetRequiredService<IKeywordIndex>();
        var writeLock = Path.Combine(data, DataFolderLayout.KeywordFolderName, IndexWriter.WRITE_LOCK_NAME);

        // Another process holds the folder's writer lock (an exclusive lock on writer.lock, as DataFolderWriter takes it).
        var other = new FileStream(Path.Combine(data, DataFolderWriter.FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        try
        {
            var refused = await Assert.ThrowsAnyAsync<DocPipelineStorageException>(() => keyword.GetStatisticsAsync());
            Assert.Contains("in use by another process", refused.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(writeLock) && IndexHealth.IsHeld(writeLock), "The index took write.lock while another process writes the folder.");

            var writing = keyword.UpsertAsync([new KeywordRecord { ChunkId = "c1", DocumentId = "d1", Text = "copper lantern" }]);
            await Task.Delay(500);
            Assert.False(writing.IsCompleted, writing.Exception?.ToString() ?? "The write did not wait for the folder's writer.");
            Assert.False(File.Exists(writeLock) && IndexHealth.IsHeld(writeLock), "A waiting write took write.lock.");

            await other.DisposeAsync();
            await writing.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await other.DisposeAsync();
        }

        Assert.Single(await keyword.SearchAsync("lantern", 5));
        Assert.True(provider.GetRequiredService<DataFolderWriter>().IsHeld, "The index wrote without entering the folder's writer lock.");
    }

    public void Dispose() => _directory.Dispose();
}
