using System.Net;
using System.Text.Json;

namespace DocPipeline.WebHost.Tests;

/// <summary>Numbers, enums, ids and bodies out of range or malformed answer 400 with a message naming the value, never 500.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly WebHostFactory _factory = new();

    [Theory]
    [InlineData("/api/search?q=harbour&top=2000000000", "SearchOptions.TopK must be between 1 and 1000")]
    [InlineData("/api/search?q=harbour&top=0", "SearchOptions.TopK must be between 1 and 1000")]
    [InlineData("/api/search?q=harbour&top=-1", "SearchOptions.TopK must be between 1 and 1000")]
    [InlineData("/api/search?q=harbour&top=abc", "top")]
    [InlineData("/api/search?q=harbour&top=99999999999999", "top")]
    [InlineData("/api/search?q=harbour&mode=Sideways", "mode must be one of hybrid, vector, keyword")]
    [InlineData("/api/search?top=3", "q is required")]
    [InlineData("/api/documents?limit=0", "DocumentListOptions.Limit must be between 1 and 10000")]
    [InlineData("/api/documents?limit=-1", "DocumentListOptions.Limit must be between 1 and 10000")]
    [InlineData("/api/documents?limit=2000000000", "DocumentListOptions.Limit must be between 1 and 10000")]
    [InlineData("/api/documents?limit=ten", "limit")]
    [InlineData("/api/documents?status=gone", "status must be one of")]
    [InlineData("/api/documents?filter=a%00b", "filter must be at most 1024 characters without control characters")]
    [InlineData("/api/jobs?limit=0", "Limit")]
    [InlineData("/api/jobs?status=sleeping", "status must be one of pending, processing, completed, failed, cancelled")]
    [InlineData("/api/jobs?status=1", "status must be one of")]
    public async Task Get_OutOfRangeOrMalformed_Answers400WithAMessage(string url, string expected)
    {
        using var client = _factory.CreateKeyClient();

        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, expected);
    }

    [Theory]
    [InlineData("""{}""", "sources is required")]
    [InlineData("""{"sources":[]}""", "sources is required")]
    [InlineData("""{"sources":["relative/path"]}""", "is not an absolute path")]
    [InlineData("""{"sources":["/x"],"mode":"sideways"}""", "Path: $.mode")]
    [InlineData("""not json""", "JSON")]
    public async Task PostIngest_BadBody_Answers400NamingTheProblem(string body, string expected)
    {
        using var client = _factory.CreateKeyClient();
        using var content = WebHostFactory.Json(body);

        using var response = await client.PostAsync(new Uri("/api/ingest", UriKind.Relative), content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, expected);
    }

    [Fact]
    public async Task PostIngest_UndefinedModeNumber_Answers400NamingTheOption()
    {
        using var client = _factory.CreateKeyClient();
        using var content = WebHostFactory.Json($$"""{"sources":["{{_factory.Root}}"],"mode":42}""");

        using var response = await client.PostAsync(new Uri("/api/ingest", UriKind.Relative), content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "IngestOptions.UpdateMode must be one of");
    }

    [Fact]
    public async Task PostIngest_EnumAsTheToolSpellsIt_IsAccepted()
    {
        using var client = _factory.CreateKeyClient();
        using var content = WebHostFactory.Json($$"""{"sources":["{{_factory.Root}}"],"mode":"add_only","cleanup":"None"}""");

        using var response = await client.PostAsync(new Uri("/api/ingest", UriKind.Relative), content);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(2, JsonDocument.Parse(body).RootElement.GetProperty("added").GetInt32());
    }

    [Fact]
    public async Task Get_QueryLongerThanTheLimit_Answers414()
    {
        using var client = _factory.CreateKeyClient();

        using var response = await client.GetAsync(new Uri("/api/search?q=" + new string('a', 5000), UriKind.Relative));

        await AssertProblemAsync(response, HttpStatusCode.RequestUriTooLong, "WebHost:MaxQueryLength");
    }

    [Fact]
    public async Task Post_BodyLargerThanTheLimit_Answers413()
    {
        using var client = _factory.CreateKeyClient();
        using var content = WebHostFactory.Json("{\"sources\":[\"/" + new string('a', 70_000) + "\"]}");

        using var response = await client.PostAsync(new Uri("/api/ingest", UriKind.Relative), content);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "WebHost:MaxRequestBodyBytes");
    }

    [Theory]
    [InlineData("/api/documents/nothing-here")]
    [InlineData("/api/jobs/nothing-here")]
    public async Task Get_UnknownId_Answers404WithProblemDetails(string url)
    {
        using var client = _factory.CreateKeyClient();

        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "nothing-here");
    }

    [Fact]
    public async Task GetSearch_InRange_Answers200()
    {
        using var client = _factory.CreateKeyClient();

        using var response = await client.GetAsync(new Uri("/api/search?q=harbour&top=1000&mode=KEYWORD", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_ForAnotherHost_IsRefused()
    {
        using var client = _factory.CreateKeyClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/stats", UriKind.Relative));
        request.Headers.Host = "evil.example.com";

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheOperations()
    {
        using var client = _factory.CreateAnonymousClient();

        var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));

        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => op.Value.GetProperty("operationId").GetString()))
            .ToHashSet();
        foreach (var expected in new[] { "ingest", "search", "list_documents", "get_document", "remove_document", "list_jobs", "show_job", "cancel_job", "retry_job", "pause", "resume", "stats", "monitor", "verify", "repair", "backup" })
        {
            Assert.Contains(expected, operations);
        }
    }

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString();
        Assert.Contains(expected, detail, StringComparison.Ordinal);
    }

    public void Dispose() => _factory.Dispose();
}
