using DocPipeline.Ingestion;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.SemanticKernel.Tests;

/// <summary>A real pipeline (SQLite, Lucene, on-disk vectors, hashing embedder) over a temp folder with three documents.</summary>
public sealed class PipelineFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "docpipeline-sk-" + Guid.NewGuid().ToString("N"));

    public string Documents => Path.Combine(_root, "docs");

    /// <summary>Adds a pipeline with a data folder of its own, so tests do not share stores.</summary>
    public void Configure(IServiceCollection services) =>
        services.AddDocPipeline(o => o.DataDirectory = Path.Combine(_root, "data-" + Guid.NewGuid().ToString("N"))).UseHashingEmbeddings();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Documents);
        await File.WriteAllTextAsync(Path.Combine(Documents, "bees.md"),
            "# Bees\n\nHoney bees make honey from flower nectar, which they store in wax combs and evaporate by fanning their wings.");
        await File.WriteAllTextAsync(Path.Combine(Documents, "tides.txt"),
            "Tides rise and fall twice a day because the moon's gravity pulls the oceans.");
        await File.WriteAllTextAsync(Path.Combine(Documents, "bread.txt"),
            "Sourdough bread rises with wild yeast and lactic acid bacteria instead of baker's yeast.");
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    public static async Task IngestAsync(IServiceProvider services, string folder)
    {
        var result = await services.GetRequiredService<IDocPipeline>().IngestAsync([folder], new IngestOptions());
        Assert.True(result.Failed == 0, string.Join("; ", result.Failures.Select(f => $"{f.Source}: {f.Error}")));
    }
}
