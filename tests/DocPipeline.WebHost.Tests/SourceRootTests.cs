using System.Net;
using System.Text.Json;

namespace DocPipeline.WebHost.Tests;

/// <summary>Ingest reads only under WebHost:AllowedSourceRoots, after resolving <c>..</c> and symbolic links.</summary>
public sealed class SourceRootTests : IDisposable
{
    private readonly WebHostFactory _factory = new();

    [Theory]
    [InlineData("/etc")]
    [InlineData("/etc/passwd")]
    [InlineData("{root}/../../")]
    [InlineData("{root}/../outside")]
    [InlineData("{root}/../outside/*.txt")]
    [InlineData("{root}/*/../../outside/secret.txt")]
    [InlineData("{root}-sibling")]
    public async Task Ingest_OutsideTheRoots_Answers400AndIngestsNothing(string source)
    {
        Directory.CreateDirectory(_factory.Root + "-sibling");

        await AssertRefusedAsync(source.Replace("{root}", _factory.Root, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ingest_ThroughALinkInsideTheRootThatLeadsOut_Answers400()
    {
        var link = Path.Combine(_factory.Root, "escape");
        Directory.CreateSymbolicLink(link, _factory.Outside);

        await AssertRefusedAsync(link);
        await AssertRefusedAsync(Path.Combine(link, "secret.txt"));
    }

    [Fact]
    public async Task Ingest_FolderUnderTheRootHoldingLinksThatLeadOut_ReadsNothingOutside()
    {
        File.CreateSymbolicLink(Path.Combine(_factory.Root, "secret.txt"), Path.Combine(_factory.Outside, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_factory.Root, "escape"), _factory.Outside);
        using var client = _factory.CreateKeyClient();
        using var content = WebHostFactory.Json(JsonSerializer.Serialize(new { sources = new[] { _factory.Root } }));

        using var response = await client.PostAsync(new Uri("/api/ingest", UriKind.Relative), content);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal(2, JsonDocument.Parse(body).RootElement.GetProperty("added").GetInt32());
        var documents = await client.GetStringAsync(new Uri("/api/documents", UriKind.Relative));
        Assert.DoesNotContain("secret", documents, StringComparison.Ordinal);
        Assert.DoesNotContain("outside", documents, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_DotDotAfterALink_IsResolvedFromTheLinksTarget()
    {
        // root/up -> outside/deep: "root/up/../secret.txt" reads as "root/secret.txt" but opens "outside/secret.txt".
        Directory.CreateDirectory(Path.Combine(_factory.Outside, "deep"));
        var link = Path.Combine(_factory.Root, "up");
        Directory.CreateSymbolicLink(link, Path.Combine(_factory.Outside, "deep"));

        await AssertRefusedAsync(link + "/../secret.txt");
    }

    [Fact]
    public async Task Ingest_UnderTheRoot_IsAccepted()
    {
        using var client = _factory.CreateKeyClient();
        using var content = WebHostFactory.Json($$"""{"sources":["{{_factory.Root}}/./bees.md"]}""");

        using var response = await client.PostAsync(new Uri("/api/ingest", UriKind.Relative), content);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal(1, JsonDocument.Parse(body).RootElement.GetProperty("added").GetInt32());
    }

    private async Task AssertRefusedAsync(string source)
    {
        using var client = _factory.CreateKeyClient();
        using var content = WebHostFactory.Json(JsonSerializer.Serialize(new { sources = new[] { source } }));

        using var response = await client.PostAsync(new Uri("/api/ingest", UriKind.Relative), content);

        await BadInputTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "outside WebHost:AllowedSourceRoots");
        var documents = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/documents", UriKind.Relative)));
        Assert.Equal(0, documents.RootElement.GetProperty("documents").GetArrayLength());
    }

    public void Dispose() => _factory.Dispose();
}
