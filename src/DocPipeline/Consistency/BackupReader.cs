using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace DocPipeline.Consistency;

/// <summary>
/// Checks a backup and unpacks it beside the stores it will replace. Nothing is trusted before it is checked: the
/// manifest must come first and be valid; every entry must be a regular file (or folder) with a safe relative path
/// that the manifest lists and a backup may hold; every size and SHA-256 must match; no listed file may be missing.
/// </summary>
internal static class BackupReader
{
    private const long MaxManifestBytes = 64L << 20;
    private const int CopyBuffer = 1 << 16;

    /// <summary>
    /// Finds the backup to restore: an archive, a backup folder (with <c>manifest.json</c>), or a folder of backups
    /// (the newest is taken).
    /// </summary>
    public static string Resolve(string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        var path = Path.GetFullPath(source);
        if (File.Exists(path))
        {
            return path;
        }

        if (!Directory.Exists(path))
        {
            throw new InvalidBackupException($"There is no backup at '{path}'.");
        }

        if (File.Exists(Path.Combine(path, BackupLayout.ManifestName)))
        {
            return path;
        }

        var newest = BackupFiles.ListBackups(path);
        return newest.Count > 0
            ? newest[0].Path
            : throw new InvalidBackupException($"'{path}' is neither a backup (no {BackupLayout.ManifestName}) nor a folder of backups named {BackupLayout.NamePrefix}<time>.");
    }

    /// <summary>Checks <paramref name="source"/> and unpacks each of its stores to <c>&lt;store path&gt;.restore-&lt;id&gt;</c>.</summary>
    /// <exception cref="InvalidBackupException">The backup is damaged, tampered with or unsafe; nothing is left behind.</exception>
    public static async Task<StagedRestore> StageAsync(string source, DataFolderLayout target, string id, CancellationToken cancellationToken)
    {
        var staged = new List<KeyValuePair<string, string>>();
        StagedRestore? result = null;
        try
        {
            BackupManifest manifest;
            if (File.Exists(source))
            {
                manifest = await StageArchiveAsync(source, target, id, staged, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                manifest = await StageFolderAsync(source, target, id, staged, cancellationToken).ConfigureAwait(false);
            }

            result = new StagedRestore(source, manifest, staged.OrderBy(p => DataFolderLayout.CheckOrder(p.Key)).ToList());
            return result;
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw Refuse(source, $"it is damaged and cannot be read ({ex.Message})", ex);
        }
        finally
        {
            if (result is null)
            {
                new StagedRestore(source, new BackupManifest(), staged).Discard();
            }
        }
    }

    private static async Task<BackupManifest> StageArchiveAsync(
        string source, DataFolderLayout target, string id, List<KeyValuePair<string, string>> staged, CancellationToken cancellationToken)
    {
        var file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBuffer, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            var gzip = new GZipStream(file, CompressionMode.Decompress);
            await using (gzip.ConfigureAwait(false))
            {
                var tar = new TarReader(gzip);
                await using (tar.ConfigureAwait(false))
                {
                    var first = await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
                    if (first is null || !string.Equals(first.Name, BackupLayout.ManifestName, StringComparison.Ordinal) || !IsRegularFile(first.EntryType) ||
                        first.DataStream is null || first.Length > MaxManifestBytes)
                    {
                        throw Refuse(source, $"its first entry must be {BackupLayout.ManifestName}");
                    }

                    var checker = new EntryChecker(source, ParseManifest(first.DataStream, source), target, id, staged);
                    while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                    {
                        if (entry.EntryType == TarEntryType.Directory)
                        {
                            checker.CheckFolder(entry.Name.TrimEnd('/'));
                            continue;
                        }

                        if (!IsRegularFile(entry.EntryType))
                        {
                            throw Refuse(source, $"it holds '{entry.Name}', a {entry.EntryType} entry, and a backup holds regular files only (no links or special files)");
                        }

                        await checker.CopyAsync(entry.Name, entry.DataStream ?? Stream.Null, cancellationToken).ConfigureAwait(false);
                    }

                    return checker.Finish();
                }
            }
        }
    }

    private static async Task<BackupManifest> StageFolderAsync(
        string source, DataFolderLayout target, string id, List<KeyValuePair<string, string>> staged, CancellationToken cancellationToken)
    {
        var manifestPath = Path.Combine(source, BackupLayout.ManifestName);
        if (new FileInfo(manifestPath) is { LinkTarget: not null } or { Length: > MaxManifestBytes })
        {
            throw Refuse(source, $"its {BackupLayout.ManifestName} is a link or too large");
        }

        BackupManifest manifest;
        using (var stream = File.OpenRead(manifestPath))
        {
            manifest = ParseManifest(stream, source);
        }

        var checker = new EntryChecker(source, manifest, target, id, staged);
        foreach (var info in new DirectoryInfo(source).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(source, info.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (info.LinkTarget is not null)
            {
                throw Refuse(source, $"it holds '{relative}', a link, and a backup holds regular files only");
            }

            if (info is DirectoryInfo)
            {
                checker.CheckFolder(relative);
                continue;
            }

            if (string.Equals(relative, BackupLayout.ManifestName, StringComparison.Ordinal))
            {
                continue;
            }

            var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBuffer, FileOptions.SequentialScan | FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await checker.CopyAsync(relative, stream, cancellationToken).ConfigureAwait(false);
            }
        }

        return checker.Finish();
    }

    private static bool IsRegularFile(TarEntryType type) => type is TarEntryType.RegularFile or TarEntryType.V7RegularFile;

    /// <summary>Reads a manifest, or explains why it cannot be read.</summary>
    private static BackupManifest ParseManifest(Stream stream, string source)
    {
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(stream, BackupJsonContext.Default.BackupManifest);
        }
        catch (JsonException ex)
        {
            throw Refuse(source, $"its {BackupLayout.ManifestName} cannot be read ({ex.Message})", ex);
        }

        if (manifest is null || !string.Equals(manifest.Format, BackupManifest.FormatName, StringComparison.Ordinal))
        {
            throw Refuse(source, $"it is not a DocPipeline backup: its {BackupLayout.ManifestName} does not say format '{BackupManifest.FormatName}'");
        }

        return manifest.Version == BackupManifest.CurrentVersion
            ? manifest
            : throw Refuse(source, $"it has format version {manifest.Version}, and this version of DocPipeline reads version {BackupManifest.CurrentVersion}");
    }

    private static InvalidBackupException Refuse(string source, string reason, Exception? inner = null) =>
        new($"The backup '{source}' was refused: {reason}. Nothing was restored; the current data is unchanged.", inner);

    /// <summary>Checks entries against the manifest and copies each to its staged place while hashing it.</summary>
    private sealed class EntryChecker
    {
        private readonly string _source;
        private readonly BackupManifest _manifest;
        private readonly DataFolderLayout _target;
        private readonly string _id;
        private readonly List<KeyValuePair<string, string>> _staged;
        private readonly Dictionary<string, BackupManifestFile> _expected = new(StringComparer.Ordinal);
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public EntryChecker(string source, BackupManifest manifest, DataFolderLayout target, string id, List<KeyValuePair<string, string>> staged)
        {
            _source = source;
            _manifest = manifest;
            _target = target;
            _id = id;
            _staged = staged;
            if (!manifest.Stores.Contains(DataFolderLayout.Registry, StringComparer.Ordinal))
            {
                throw Refuse("its manifest lists no registry, the source of truth every other store depends on");
            }

            foreach (var store in manifest.Stores)
            {
                if (!DataFolderLayout.IsDataFolderPart(store) && !DataFolderLayout.IsValidPartName(store))
                {
                    throw Refuse($"its manifest lists an unknown store '{store}'");
                }
            }

            foreach (var file in manifest.Files)
            {
                if (!BackupLayout.IsSafeRelativePath(file.Path) || BackupLayout.StoreOfFile(file.Path) is not { } store ||
                    !manifest.Stores.Contains(store, StringComparer.Ordinal) || !_expected.TryAdd(file.Path, file) || file.Size < 0)
                {
                    throw Refuse($"its manifest lists '{file.Path}', which a backup may not hold (or lists it twice)");
                }
            }

            foreach (var store in manifest.Stores)
            {
                if (!manifest.Files.Any(f => string.Equals(BackupLayout.StoreOfFile(f.Path), store, StringComparison.Ordinal)))
                {
                    throw Refuse($"its manifest lists the store '{store}' without any of its files");
                }
            }
        }

        public void CheckFolder(string relative)
        {
            if (!BackupLayout.IsSafeRelativePath(relative) || !BackupLayout.MayHoldFolder(relative))
            {
                throw Refuse($"it holds the folder '{relative}', which is unsafe or unexpected");
            }
        }

        public async Task CopyAsync(string relative, Stream content, CancellationToken cancellationToken)
        {
            if (!BackupLayout.IsSafeRelativePath(relative))
            {
                throw Refuse($"it holds '{relative}', a path that is absolute or climbs out of the backup");
            }

            if (!_expected.TryGetValue(relative, out var expected))
            {
                throw Refuse($"it holds '{relative}', a file its manifest does not list");
            }

            if (!_seen.Add(relative))
            {
                throw Refuse($"it holds '{relative}' twice");
            }

            var store = BackupLayout.StoreOfFile(relative)!;
            var destination = Destination(store, relative);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBuffer, FileOptions.Asynchronous);
            long size = 0;
            await using (output.ConfigureAwait(false))
            {
                var buffer = new byte[CopyBuffer];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    size += read;
                    if (size > expected.Size)
                    {
                        throw Refuse($"'{relative}' is larger than its manifest says ({expected.Size} bytes)");
                    }

                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
            }

            var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (size != expected.Size || !string.Equals(sha, expected.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw Refuse($"'{relative}' does not match its checksum (SHA-256 {sha}, {size} bytes; the manifest says {expected.Sha256}, {expected.Size} bytes)");
            }
        }

        public BackupManifest Finish()
        {
            var missing = _expected.Keys.Where(path => !_seen.Contains(path)).ToList();
            if (missing.Count > 0)
            {
                throw Refuse($"its manifest lists {string.Join(", ", missing.Take(5))} but the backup does not hold {(missing.Count == 1 ? "it" : "them")}");
            }

            return _manifest;
        }

        private string Destination(string store, string relative)
        {
            var entry = BackupLayout.EntryOf(store);
            var isFolder = BackupLayout.IsFolder(store) || !string.Equals(relative, entry, StringComparison.Ordinal);
            var root = StagedPath(store, isFolder);
            if (!isFolder)
            {
                return root;
            }

            var name = relative[(entry.Length + 1)..];
            var destination = Path.GetFullPath(Path.Combine(root, name));
            if (!destination.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw Refuse($"'{relative}' would be written outside the store folder");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            return destination;
        }

        private string StagedPath(string store, bool isFolder)
        {
            foreach (var (name, path) in _staged)
            {
                if (string.Equals(name, store, StringComparison.Ordinal))
                {
                    return path;
                }
            }

            var staged = DataFolderLayout.IsDataFolderPart(store)
                ? RestoreLeftovers.StagedOf(_target.TargetOf(store), _id)
                : Path.Combine(_target.TemporaryDirectory, RestoreLeftovers.StagedOf(DataFolderLayout.PartsFolderName, _id), store);
            if (File.Exists(staged) || Directory.Exists(staged))
            {
                throw new IOException($"'{staged}' already exists.");
            }

            var parent = Path.GetDirectoryName(staged)!;
            Directory.CreateDirectory(parent);
            if (isFolder)
            {
                Directory.CreateDirectory(staged);
            }

            _staged.Add(new KeyValuePair<string, string>(store, staged));
            return staged;
        }

        private InvalidBackupException Refuse(string reason) => BackupReader.Refuse(_source, reason);
    }
}
