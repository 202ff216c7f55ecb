using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Ingestion;

namespace DocPipeline.Tests.Diagnostics;

public sealed class IngestionStepMetricsTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task Ingest_WithAMeterListener_RecordsEveryStepOfEveryJob()
    {
        _directory.Write("docs/a.txt", "alpha paragraph\n\nbravo paragraph");
        _directory.Write("docs/b.md", "# Charlie\n\ndelta paragraph");
        _directory.Write("docs/c.txt", "echo paragraph");
        var steps = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var negative = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "DocPipeline" && instrument.Name == "docpipeline.ingestion.step.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "docpipeline.step")
                {
                    steps.AddOrUpdate((string)tag.Value!, 1, (_, n) => n + 1);
                }
            }

            if (seconds < 0)
            {
                Interlocked.Increment(ref negative);
            }
        });
        listener.Start();
        await using var pipeline = new TestPipeline(_directory);

        var result = await pipeline.IngestAsync(_directory.File("docs"));

        // The meter is process-wide and other tests ingest at the same time, so counts are lower bounds.
        Assert.Equal(3, result.Added);
        // New documents record their index versions in the commit's write, so there is no separate index_versions step.
        string[] expected = ["read", "embed", "registry_stage", "checkpoint", "vector_write", "keyword_write", "registry_commit", "fingerprint"];
        Assert.All(expected, step => Assert.True(steps.GetValueOrDefault(step) >= 3, $"step '{step}' recorded {steps.GetValueOrDefault(step)} time(s)"));
        Assert.Equal(0, negative);
    }

    public void Dispose() => _directory.Dispose();
}
