using System.Text.Json;
using DocPipeline.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace DocPipeline.SemanticKernel.Tests;

public sealed class KernelPluginTests : IClassFixture<PipelineFixture>
{
    private readonly PipelineFixture _fixture;

    public KernelPluginTests(PipelineFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Plugin_SearchThenGetChunks_ThroughAKernel_ReturnsSourcePageAndText()
    {
        var builder = Kernel.CreateBuilder();
        _fixture.Configure(builder.Services);
        builder.Plugins.AddDocPipeline();
        var kernel = builder.Build();
        await using var services = (ServiceProvider)kernel.Services;
        await PipelineFixture.IngestAsync(kernel.Services, _fixture.Documents);

        var search = await kernel.InvokeAsync("docpipeline", DocPipelineAIFunctions.SearchFunctionName, new() { ["query"] = "moon gravity tides" });

        using var hits = JsonDocument.Parse(Json(search));
        var best = hits.RootElement.GetProperty("hits")[0];
        Assert.EndsWith("tides.txt", best.GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Contains("moon's gravity", best.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.True(best.TryGetProperty("page", out _));

        var chunks = await kernel.InvokeAsync("docpipeline", DocPipelineAIFunctions.GetDocumentChunksFunctionName,
            new() { ["documentId"] = best.GetProperty("doc_id").GetString() });

        using var document = JsonDocument.Parse(Json(chunks));
        Assert.Equal(best.GetProperty("source").GetString(), document.RootElement.GetProperty("source").GetString());
        Assert.Contains("moon's gravity", document.RootElement.GetProperty("chunks")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("next").ValueKind);
    }

    [Fact]
    public void Plugin_Default_OffersNoIngest_AndEnableIngestAddsIt()
    {
        var readOnly = Build(_ => { });
        var writable = Build(o => o.EnableIngest = true);

        Assert.Equal(
            [DocPipelineAIFunctions.GetDocumentChunksFunctionName, DocPipelineAIFunctions.SearchFunctionName],
            readOnly.Plugins["docpipeline"].Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.Contains(writable.Plugins["docpipeline"], f => f.Name == DocPipelineAIFunctions.IngestFunctionName);
        Assert.All(readOnly.Plugins["docpipeline"], f => Assert.False(string.IsNullOrWhiteSpace(f.Description)));
        Assert.All(readOnly.Plugins["docpipeline"].GetFunctionsMetadata().SelectMany(f => f.Parameters),
            p => Assert.False(string.IsNullOrWhiteSpace(p.Description), p.Name));
    }

    [Fact]
    public async Task Plugin_IngestEnabled_TheKernelIndexesAFolder()
    {
        var folder = Path.Combine(_fixture.Documents, "..", "more");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "volcano.txt"), "A volcano erupts when magma rises through the crust.");
        var kernel = Build(o => o.EnableIngest = true);
        await using var services = (ServiceProvider)kernel.Services;

        var result = await kernel.InvokeAsync("docpipeline", DocPipelineAIFunctions.IngestFunctionName, new() { ["sources"] = new[] { folder } });

        using var json = JsonDocument.Parse(Json(result));
        Assert.Equal(1, json.RootElement.GetProperty("added").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("failed").GetInt64());
    }

    [Fact]
    public void AddDocPipeline_InvalidPluginName_ThrowsNamingTheOption()
    {
        var error = Assert.Throws<ArgumentException>(() => Kernel.CreateBuilder().Plugins.AddDocPipeline(o => o.PluginName = "doc pipeline"));

        Assert.Contains("DocPipelinePluginOptions.PluginName", error.Message, StringComparison.Ordinal);
    }

    private Kernel Build(Action<DocPipelinePluginOptions> configure)
    {
        var builder = Kernel.CreateBuilder();
        _fixture.Configure(builder.Services);
        builder.Plugins.AddDocPipeline(configure);
        return builder.Build();
    }

    private static string Json(FunctionResult result) => result.GetValue<object>() switch
    {
        JsonElement element => element.GetRawText(),
        var other => other?.ToString() ?? throw new InvalidOperationException("the function returned nothing"),
    };
}
