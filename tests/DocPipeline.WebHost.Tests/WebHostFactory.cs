using System.Net.Http.Headers;
using System.Text;
using DocPipeline.Specification.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DocPipeline.WebHost.Tests;

/// <summary>
/// The web host in memory over a real data folder (SQLite, Lucene, the embedded vector index) in a temporary folder,
/// with an API key, one allowed source root holding a few documents, and the hashing embedder.
/// </summary>
public sealed class WebHostFactory : WebApplicationFactory<Program>
{
    public const string Key = "test-key-0123456789abcdef";

    private readonly TestDirectory _directory = new();
    private readonly bool _anonymousRead;

    public WebHostFactory(bool anonymousRead = false)
    {
        _anonymousRead = anonymousRead;
        Root = _directory.File("sources");
        _directory.Write("sources/bees.md", "# Bees\n\nHoneybees make honey from nectar they collect from flowers.\n");
        _directory.Write("sources/tides.txt", "Tide pools hold anemones, crabs and sea stars between the tides.\n");
        _directory.Write("outside/secret.txt", "A file outside the allowed root.\n");
    }

    /// <summary>Gets the one folder ingest may read.</summary>
    public string Root { get; }

    /// <summary>Gets a folder outside the allowed root.</summary>
    public string Outside => _directory.File("outside");

    /// <summary>Gets the data folder.</summary>
    public string Data => _directory.File("data");

    /// <summary>Gets the backup folder.</summary>
    public string Backups => _directory.File("backups");

    /// <summary>A client that sends the API key.</summary>
    public HttpClient CreateKeyClient()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        return client;
    }

    /// <summary>A client without key or session.</summary>
    public HttpClient CreateAnonymousClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public static StringContent Json(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Embedder", "hash")
            .UseSetting("DocPipeline:DataDirectory", Data)
            .UseSetting("WebHost:ApiKey", Key)
            .UseSetting("WebHost:AnonymousRead", _anonymousRead ? "true" : "false")
            .UseSetting("WebHost:AllowedSourceRoots:0", Root)
            .UseSetting("WebHost:BackupDirectory", Backups);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _directory.Dispose();
        }
    }
}
