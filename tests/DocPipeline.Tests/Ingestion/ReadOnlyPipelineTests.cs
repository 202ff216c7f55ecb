using DocPipeline.Ingestion;
using DocPipeline.Management;
using DocPipeline.Search;
using DocPipeline.Specification.Tests;

namespace DocPipeline.Tests.Ingestion;

/// <summary>A pipeline opened with <c>ReadOnly</c> beside a writing pipeline of the same folder, both alive.</summary>
public sealed class ReadOnlyPipelineTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task SearchAndStatistics_BesideAWriterThatKeepsItsIndexesOpen_SeeItsCommitsAndRefuseWrites()
    {
        _directory.Write("src/a.txt", "The copper lantern hangs beside the quiet harbour.");
        await using var writer = new TestPipeline(_directory);
        Assert.Equal(1, (await writer.IngestAsync(_directory.File("src"))).Added);

        await using var reader = new TestPipeline(_directory, options: o => o.ReadOnly = true);
        var hits = await reader.Pipeline.SearchAsync("copper lantern", new SearchOptions { TopK = 3 });
        Assert.Equal("a.txt", Path.GetFileName(Assert.Single(hits).Source));

        // The writer goes on writing (its index locks untouched by the reader), and the reader follows.
        _directory.Write("src/b.txt", "A copper compass in the orchard.");
        Assert.Equal(1, (await writer.IngestAsync(_directory.File("src"))).Added);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while ((await reader.Pipeline.SearchAsync("copper", new SearchOptions { TopK = 5 }, timeout.Token)).Count < 2)
            {
                await Task.Delay(50, timeout.Token);
            }
        }

        Assert.Equal(2, (await reader.Get<IIndexManager>().GetStatisticsAsync()).Documents);
        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.IngestAsync(_directory.File("src")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.Pipeline.ResumeAsync(new IngestOptions()));
    }

    public void Dispose() => _directory.Dispose();
}
