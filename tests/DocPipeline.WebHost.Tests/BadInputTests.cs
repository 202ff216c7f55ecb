using System.Net;
using System.Text.Json;
using DocPipeline.Specification.Tests;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DocPipeline.WebHost.Tests;

/// <summary>Numbers and enums out of range or malformed answer 400 with a message naming the value, never 500.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly WebApplicationFactory<Program> _factory;

    public BadInputTests()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("Embedder", "hash")
            .UseSetting("DocPipeline:DataDirectory", _directory.File("data")));
    }

    [Theory]
    [InlineData("/search?q=harbour&top=2000000000", "SearchOptions.TopK must be between 1 and 1000")]
    [InlineData("/search?q=harbour&top=0", "SearchOptions.TopK must be between 1 and 1000")]
    [InlineData("/search?q=harbour&top=-1", "SearchOptions.TopK must be between 1 and 1000")]
    [InlineData("/search?q=harbour&top=abc", "top")]
    [InlineData("/search?q=harbour&top=99999999999999", "top")]
    [InlineData("/search?q=harbour&mode=Sideways", "mode")]
    [InlineData("/documents?limit=0", "DocumentListOptions.Limit must be between 1 and 10000")]
    [InlineData("/documents?limit=2000000000", "DocumentListOptions.Limit must be between 1 and 10000")]
    [InlineData("/documents?limit=ten", "limit")]
    public async Task Get_OutOfRangeOrMalformedNumber_Answers400WithAMessage(string url, string expected)
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString();
        Assert.Contains(expected, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostIngest_UndefinedMode_Answers400NamingTheOption()
    {
        using var client = _factory.CreateClient();
        using var content = new StringContent("""{"sources":["/nowhere"],"mode":42}""", System.Text.Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri("/ingest", UriKind.Relative), content);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Contains("IngestOptions.UpdateMode must be one of", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetSearch_InRange_Answers200()
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/search?q=harbour&top=1000&mode=Keyword", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public void Dispose()
    {
        _factory.Dispose();
        _directory.Dispose();
    }
}
