using System.Collections.Concurrent;
using DocPipeline.Fingerprints;

namespace DocPipeline.Tests.Fingerprints;

/// <summary>The real file system, counting how often files are opened, with a hook to make an open fail.</summary>
internal sealed class CountingFileSystem : IFingerprintFileSystem
{
    private readonly PhysicalFingerprintFileSystem _inner = new();
    private readonly ConcurrentDictionary<string, int> _opens = new(StringComparer.Ordinal);

    /// <summary>Gets or sets what runs before each open; an exception it throws is what the open throws.</summary>
    public Action<string>? BeforeOpen { get; set; }

    public int Opens => _opens.Values.Sum();

    public int OpensOf(string path) => _opens.GetValueOrDefault(path);

    public void Reset() => _opens.Clear();

    public FileStat? GetStat(string path) => _inner.GetStat(path);

    public Stream OpenRead(string path)
    {
        _opens.AddOrUpdate(path, 1, (_, n) => n + 1);
        BeforeOpen?.Invoke(path);
        return _inner.OpenRead(path);
    }
}
