using DocPipeline.Registry;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace DocPipeline.Specification.Tests.Registry;

/// <summary>What the specifications of the registry contracts share: a clock, a folder and test documents.</summary>
public abstract class RegistrySpecificationBase : IAsyncLifetime, IDisposable
{
    protected const string Model = "test-model:3";

    private readonly List<object> _resources = [];

    protected RegistrySpecificationBase()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    protected FakeTimeProvider Time { get; }

    protected TestDirectory Directory { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        object[] resources;
        lock (_resources)
        {
            resources = [.. _resources];
            _resources.Clear();
        }

        foreach (var resource in resources.Reverse())
        {
            if (resource is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else if (resource is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
    }

    public void Dispose()
    {
        DisposeRegistry();
        Directory.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the factory of the specification opened.</summary>
    protected virtual void DisposeRegistry()
    {
    }

    /// <summary>Releases <paramref name="resource"/> (disposable or async disposable) when the test ends, before its folder is deleted.</summary>
    protected T Track<T>(T resource)
        where T : class
    {
        lock (_resources)
        {
            _resources.Add(resource);
        }

        return resource;
    }

    /// <summary>The documents of <paramref name="registry"/> and the part of it a specification tests.</summary>
    protected static (IDocumentRegistry Documents, TPart Part) Parts<TPart>(TPart registry)
        where TPart : IDocumentRegistry => (registry, registry);

    protected static string TextHash(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    protected static string ChunkId(string documentId, string text) => $"{documentId}#{TextHash(text)[..12]}";

    protected static StagedVersion Version(string documentId, int version, params string[] texts) => new()
    {
        DocumentId = documentId,
        Source = $"/src/{documentId}.txt",
        Version = version,
        ContentHash = $"hash-{documentId}-{version}",
        Chunks = texts.Select((text, i) => new ChunkRecord
        {
            ChunkId = ChunkId(documentId, text),
            DocumentId = documentId,
            Revision = version,
            Ordinal = i,
            Text = text,
            TextHash = TextHash(text),
            StartOffset = 0,
            EndOffset = text.Length,
        }).ToList(),
    };

    protected static async Task Commit(IDocumentRegistry registry, StagedVersion version)
    {
        await registry.StageAsync(version);
        Assert.True(await registry.CommitAsync(version.DocumentId, version.Version));
    }
}
