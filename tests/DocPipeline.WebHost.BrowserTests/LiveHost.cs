using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Extraction;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.WebHost.BrowserTests;

/// <summary>
/// The real web host on Kestrel, on a free loopback port, over a temporary data folder, with an API key and the
/// sample corpus as the one allowed source root (hashing embedder: fast and deterministic).
/// </summary>
public sealed class LiveHost : WebApplicationFactory<Program>
{
    public const string Key = "browser-test-key-0123456789";

    private readonly TestDirectory _directory = new();

    public LiveHost(string? dataDirectory = null)
    {
        Data = dataDirectory ?? _directory.File("data");
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)));
        Assert.True(BaseAddress.IsLoopback, $"The host listens on {BaseAddress}, not on loopback.");
    }

    /// <summary>Gets the address the host listens on.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the data folder.</summary>
    public string Data { get; }

    /// <summary>Gets the backup folder.</summary>
    public string Backups => _directory.File("backups");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Embedder", "hash")
            .UseSetting("DocPipeline:DataDirectory", Data)
            .UseSetting("WebHost:ApiKey", Key)
            .UseSetting("WebHost:AllowedSourceRoots:0", RepositoryPaths.CorpusDirectory)
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
