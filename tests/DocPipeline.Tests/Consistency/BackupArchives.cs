using System.Formats.Tar;
using System.IO.Compression;

namespace DocPipeline.Tests.Consistency;

/// <summary>Reads and rewrites backup archives, to tamper with them the ways an attacker or a bad disk would.</summary>
internal static class BackupArchives
{
    /// <summary>Reads every entry of an archive: name and content.</summary>
    public static List<(string Name, byte[] Content)> Read(string archive)
    {
        var entries = new List<(string, byte[])>();
        using var file = File.OpenRead(archive);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            entries.Add((entry.Name, content.ToArray()));
        }

        return entries;
    }

    /// <summary>Writes an archive of regular files, plus any extra entries (links, odd paths) given as ready-made tar entries.</summary>
    public static void Write(string archive, IEnumerable<(string Name, byte[] Content)> files, params TarEntry[] extra)
    {
        using var file = File.Create(archive);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var (name, content) in files)
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
        }

        foreach (var entry in extra)
        {
            tar.WriteEntry(entry);
        }
    }

    /// <summary>A hash of every file under a folder (path and content), to show that a refused restore changed nothing.</summary>
    public static SortedDictionary<string, string> Snapshot(string folder)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder, path);
            if (relative.EndsWith("-shm", StringComparison.Ordinal) || relative.EndsWith(".lock", StringComparison.Ordinal))
            {
                continue;
            }

            snapshot[relative] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
        }

        return snapshot;
    }
}
