using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace DocPipeline.Consistency;

/// <summary>File work of backups: naming, hashing, the manifest, the archive, SQLite files made self-contained, retention.</summary>
internal static class BackupFiles
{
    private const string StampFormat = "yyyyMMdd'T'HHmmssfff'Z'";

    /// <summary>Gets whether <paramref name="path"/> names an archive (<c>.tar.gz</c> or <c>.tgz</c>).</summary>
    public static bool IsArchivePath(string path) =>
        path.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase);

    /// <summary>The name of a backup taken at <paramref name="time"/> in a backup folder.</summary>
    public static string NameFor(DateTimeOffset time, BackupFormat format) =>
        BackupLayout.NamePrefix + time.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture) + (format == BackupFormat.Archive ? BackupLayout.ArchiveExtension : string.Empty);

    /// <summary>Reads the time out of a backup name written by <see cref="NameFor"/>, or <see langword="null"/> for another name.</summary>
    public static DateTimeOffset? TimeOf(string name)
    {
        if (!name.StartsWith(BackupLayout.NamePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var stamp = name[BackupLayout.NamePrefix.Length..];
        if (stamp.EndsWith(BackupLayout.ArchiveExtension, StringComparison.Ordinal))
        {
            stamp = stamp[..^BackupLayout.ArchiveExtension.Length];
        }

        return DateTime.TryParseExact(stamp, StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)
            ? new DateTimeOffset(parsed, TimeSpan.Zero)
            : null;
    }

    /// <summary>Lists the backups in a backup folder (archives and folders named by <see cref="NameFor"/>), newest first.</summary>
    public static List<(string Path, DateTimeOffset CreatedAt)> ListBackups(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return Directory.EnumerateFileSystemEntries(folder)
            .Select(path => (Path: path, CreatedAt: TimeOf(Path.GetFileName(path))))
            .Where(b => b.CreatedAt is not null && (File.Exists(b.Path) ? IsArchivePath(b.Path) : File.Exists(Path.Combine(b.Path, BackupLayout.ManifestName))))
            .Select(b => (b.Path, b.CreatedAt!.Value))
            .OrderByDescending(b => b.Item2)
            .ToList();
    }

    /// <summary>
    /// Makes a copied SQLite file self-contained: rollback journal mode, so that it is one file with no write-ahead
    /// log beside it (what an archive and a restore expect).
    /// </summary>
    public static void MakeSelfContained(string databasePath)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=DELETE;";
        command.ExecuteNonQuery();
    }

    /// <summary>Lists every file under <paramref name="root"/> as a <c>/</c>-separated relative path, sorted.</summary>
    public static List<string> RelativeFiles(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(path => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Hashes a file.</summary>
    public static async Task<BackupManifestFile> DescribeAsync(string root, string relativePath, CancellationToken cancellationToken)
    {
        var path = Path.Combine(root, relativePath);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            return new BackupManifestFile { Path = relativePath, Size = stream.Length, Sha256 = Convert.ToHexStringLower(hash) };
        }
    }

    /// <summary>Writes the manifest into <paramref name="root"/>.</summary>
    public static async Task WriteManifestAsync(string root, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var stream = new FileStream(Path.Combine(root, BackupLayout.ManifestName), FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, manifest, BackupJsonContext.Default.BackupManifest, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Packs a backup folder into a gzip-compressed tar archive, the manifest first.</summary>
    public static async Task WriteArchiveAsync(string root, IReadOnlyList<string> files, string archivePath, CancellationToken cancellationToken)
    {
        var output = new FileStream(archivePath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using (output.ConfigureAwait(false))
        {
            var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
            await using (gzip.ConfigureAwait(false))
            {
                var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
                await using (tar.ConfigureAwait(false))
                {
                    await tar.WriteEntryAsync(Path.Combine(root, BackupLayout.ManifestName), BackupLayout.ManifestName, cancellationToken).ConfigureAwait(false);
                    foreach (var file in files)
                    {
                        await tar.WriteEntryAsync(Path.Combine(root, file.Replace('/', Path.DirectorySeparatorChar)), file, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            output.Flush(flushToDisk: true);
        }
    }

    /// <summary>Deletes a file or folder if present; returns whether something was there.</summary>
    public static bool DeletePath(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
            return true;
        }

        if (File.Exists(path))
        {
            File.Delete(path);
            return true;
        }

        return false;
    }
}
