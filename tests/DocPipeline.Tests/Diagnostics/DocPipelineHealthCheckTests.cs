using System.Diagnostics.Metrics;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DocPipeline.Tests.Diagnostics;

public sealed class DocPipelineHealthCheckTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task CheckHealth_AfterACleanRun_Healthy()
    {
        _directory.Write("docs/a.txt", "alpha");
        await using var pipeline = new TestPipeline(_directory, builder => builder.Services.AddLogging().AddHealthChecks().AddDocPipeline());
        await pipeline.IngestAsync(_directory.File("docs"));

        var report = await pipeline.Get<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(1L, report.Entries["docpipeline"].Data["completed"]);
    }

    [Fact]
    public async Task CheckHealth_AfterAFailedJob_DegradedWithTheCount()
    {
        _directory.Write("docs/a.txt", "alpha");
        _directory.Write("docs/empty.txt", string.Empty);
        await using var pipeline = new TestPipeline(_directory, builder => builder.Services.AddLogging().AddHealthChecks().AddDocPipeline());
        await pipeline.IngestAsync(_directory.File("docs"));

        var report = await pipeline.Get<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Contains("1 failed job", report.Entries["docpipeline"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_WithAMeterListener_RecordsDocumentsAndEmbeddedChunks()
    {
        _directory.Write("docs/a.txt", "alpha paragraph\n\nbravo paragraph");
        var documents = 0L;
        var embedded = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "DocPipeline" && instrument.Name is "docpipeline.documents" or "docpipeline.chunks.embedded")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "docpipeline.documents")
            {
                Interlocked.Add(ref documents, value);
            }
            else
            {
                Interlocked.Add(ref embedded, value);
            }
        });
        listener.Start();
        await using var pipeline = new TestPipeline(_directory);

        var result = await pipeline.IngestAsync(_directory.File("docs"));

        Assert.True(documents >= 1);
        Assert.True(embedded >= result.ChunksEmbedded);
    }

    public void Dispose() => _directory.Dispose();
}
