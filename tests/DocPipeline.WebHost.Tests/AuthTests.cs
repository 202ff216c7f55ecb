using System.Net;
using System.Text.Json;

namespace DocPipeline.WebHost.Tests;

/// <summary>
/// Every request that changes something needs the key (or a signed-in session): without it the answer is 401/403 and
/// the data folder, the queue and the backup folder are as they were. Reading needs it too unless WebHost:AnonymousRead.
/// </summary>
public sealed class AuthTests : IAsyncLifetime
{
    private readonly WebHostFactory _factory = new();
    private string _documentId = string.Empty;
    private string _jobId = string.Empty;

    /// <summary>Each mutating endpoint: method, path ({doc} and {job} filled in) and body.</summary>
    public static TheoryData<string, string, string?> MutatingEndpoints => new()
    {
        { "POST", "/api/ingest", """{"sources":["{root}"],"force":true}""" },
        { "DELETE", "/api/documents/{doc}", null },
        { "POST", "/api/jobs/{job}/cancel", null },
        { "POST", "/api/jobs/{job}/retry", null },
        { "POST", "/api/queue/pause", null },
        { "POST", "/api/queue/resume", null },
        { "POST", "/api/consistency/verify", null },
        { "POST", "/api/consistency/repair?auto_fix=true", null },
        { "POST", "/api/consistency/backup", null },
    };

    public async Task InitializeAsync()
    {
        using var client = _factory.CreateKeyClient();
        using var content = WebHostFactory.Json($$"""{"sources":["{{_factory.Root}}"]}""");
        (await client.PostAsync(new Uri("/api/ingest", UriKind.Relative), content)).EnsureSuccessStatusCode();
        var documents = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/documents", UriKind.Relative)));
        _documentId = documents.RootElement.GetProperty("documents")[0].GetProperty("doc_id").GetString()!;
        var jobs = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/jobs", UriKind.Relative)));
        _jobId = jobs.RootElement.GetProperty("jobs")[0].GetProperty("id").GetString()!;
    }

    [Theory]
    [MemberData(nameof(MutatingEndpoints))]
    public async Task MutatingEndpoint_WithoutKey_Answers401AndChangesNothing(string method, string path, string? body)
    {
        var before = await StateAsync();
        using var client = _factory.CreateAnonymousClient();

        using var response = await client.SendAsync(Request(method, path, body));

        await BadInputTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "X-Api-Key");
        Assert.Equal(before, await StateAsync());
    }

    [Theory]
    [MemberData(nameof(MutatingEndpoints))]
    public async Task MutatingEndpoint_WithAWrongKey_Answers401AndChangesNothing(string method, string path, string? body)
    {
        var before = await StateAsync();
        using var client = _factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", "not-the-key-0123456789");

        using var response = await client.SendAsync(Request(method, path, body));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, await StateAsync());
    }

    [Theory]
    [MemberData(nameof(MutatingEndpoints))]
    public async Task MutatingEndpoint_WithTheKey_IsAllowed(string method, string path, string? body)
    {
        using var client = _factory.CreateKeyClient();

        using var response = await client.SendAsync(Request(method, path, body));

        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Conflict, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [InlineData("/api/search?q=bees")]
    [InlineData("/api/documents")]
    [InlineData("/api/jobs")]
    [InlineData("/api/stats")]
    [InlineData("/api/monitor")]
    public async Task ReadEndpoint_WithoutKey_Answers401UnlessAnonymousReadIsOn(string path)
    {
        using var closed = _factory.CreateAnonymousClient();
        using var refused = await closed.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var open = new WebHostFactory(anonymousRead: true);
        using var client = open.CreateAnonymousClient();
        using var allowed = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task Page_WithoutSession_RedirectsToTheLoginPage()
    {
        using var client = _factory.CreateAnonymousClient();

        using var response = await client.GetAsync(new Uri("/jobs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PageForm_WithoutSessionOrAntiforgeryToken_ChangesNothing()
    {
        var before = await StateAsync();
        using var open = new WebHostFactory(anonymousRead: true);
        using var client = _factory.CreateAnonymousClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = _documentId });

        using var response = await client.PostAsync(new Uri("/document?handler=Remove", UriKind.Relative), form);

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal(before, await StateAsync());
    }

    /// <summary>What a change would show: the documents, the jobs, the pause state, the last verify and the backups.</summary>
    private async Task<string> StateAsync()
    {
        using var client = _factory.CreateKeyClient();
        var documents = await client.GetStringAsync(new Uri("/api/documents", UriKind.Relative));
        var jobs = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/jobs", UriKind.Relative))).RootElement;
        var jobStates = string.Join(",", jobs.GetProperty("jobs").EnumerateArray().Select(j => $"{j.GetProperty("id")}:{j.GetProperty("status")}:{j.GetProperty("attempts")}"));
        var queue = jobs.GetProperty("queue").GetProperty("is_paused").GetBoolean();
        var verify = await client.GetStringAsync(new Uri("/api/consistency", UriKind.Relative));
        var backups = Directory.Exists(_factory.Backups) ? Directory.GetFileSystemEntries(_factory.Backups).Length : 0;
        return $"{documents}\n{jobStates}\npaused {queue}\n{verify}\nbackups {backups}";
    }

    private HttpRequestMessage Request(string method, string path, string? body)
    {
        var url = path.Replace("{doc}", Uri.EscapeDataString(_documentId), StringComparison.Ordinal).Replace("{job}", _jobId, StringComparison.Ordinal);
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
        if (body is not null)
        {
            request.Content = WebHostFactory.Json(body.Replace("{root}", _factory.Root, StringComparison.Ordinal));
        }

        return request;
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }
}
