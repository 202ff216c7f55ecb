using DocPipeline.Ingestion;
using DocPipeline.Queue;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DocPipeline.Tests.Ingestion;

/// <summary>The job handler (tokenizer, extractors, writer) is built by the first job, never by a run with nothing to do.</summary>
public sealed class DeferredJobHandlerTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private int _built;

    [Fact]
    public async Task IngestAsync_NothingChanged_NeverBuildsTheJobHandler()
    {
        _directory.Write("docs/a.txt", "Herons nest in the reeds near the marker.");
        _directory.Write("docs/b.txt", "The observer counted seven herons before noon.");
        await using (var first = Pipeline())
        {
            var added = await first.IngestAsync(_directory.File("docs"));
            Assert.Equal(2, added.Added);
            Assert.Equal(1, _built);
        }

        _built = 0;
        await using (var unchanged = Pipeline())
        {
            var result = await unchanged.IngestAsync(_directory.File("docs"));
            Assert.Equal(2, result.Skipped);
            Assert.Equal(0, _built);

            _directory.Write("docs/b.txt", "The observer counted eight herons before noon.");
            var updated = await unchanged.IngestAsync(_directory.File("docs"));
            Assert.Equal(1, updated.Updated);
            Assert.Equal(1, _built);
        }
    }

    public void Dispose() => _directory.Dispose();

    private TestPipeline Pipeline() => new(_directory, builder => builder.Services.Replace(ServiceDescriptor.Singleton<IJobHandler>(sp =>
    {
        Interlocked.Increment(ref _built);
        return sp.GetRequiredService<IngestionJobHandler>();
    })));
}
