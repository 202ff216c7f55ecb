using System.Globalization;
using DocPipeline.Chunking;
using DocPipeline.Embeddings;
using DocPipeline.Extraction;
using DocPipeline.Indexing;
using DocPipeline.Indexing.Vector;
using DocPipeline.Registry;
using DocPipeline.Storage;
using Microsoft.Data.Sqlite;
using DocPipeline.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Consistency;

/// <summary>
/// Registry rebuild: writes a new registry from the indexes (the chunk text read again from each source) beside the
/// lost or corrupt one and swaps it in. It never opens the container's registry.
/// </summary>
internal sealed class RegistryRebuildOperation(
    IVectorIndex vectorIndex,
    IKeywordIndex keyword,
    ExtractorResolver extractors,
    IChunker chunker,
    Deferred<BatchingEmbeddingGenerator> generator,
    CheckerRunner checker,
    MaintenanceGate gate,
    TimeProvider time,
    ILogger<RegistryRebuildOperation>? logger = null)
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    private DataFolderLayout Layout => checker.Layout;

    /// <summary>See <see cref="IIndexMaintenance.RebuildRegistryAsync"/>.</summary>
    public Task<RegistryRebuildResult> RebuildRegistryAsync(CancellationToken cancellationToken) =>
        gate.RunAsync(() => RebuildCoreAsync(cancellationToken), cancellationToken);

    private async Task<RegistryRebuildResult> RebuildCoreAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var path = Layout.RegistryPath;
        ThrowIfRegistryInUseOrHoldsDocuments(path);
        if (vectorIndex is not EmbeddedVectorIndex vector)
        {
            throw new NotSupportedException("The registry can only be rebuilt from the embedded vector index, which keeps each chunk's embedding and metadata.");
        }

        var (state, error) = await IndexHealth.CheckAsync(vector, cancellationToken).ConfigureAwait(false);
        if (state != IndexState.Healthy)
        {
            throw new DocPipelineStorageException($"The registry cannot be rebuilt: the vector index cannot be used ({error}). Restore the data folder from a backup ('docpipe manage --restore <backup>').");
        }

        // Built aside: a crash or a failure here leaves the current registry (missing or corrupt: refused when opened) as it was.
        var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        DeleteLeftoverRebuilds(path);
        var building = DataFolderLayout.RebuildOf(path, stamp);
        try
        {
            var database = SqliteDatabase.Open(building, SqliteDocumentRegistry.Description, SqliteDocumentRegistry.Schema);
            RegistryRebuilder rebuilder;
            using (database)
            {
                rebuilder = new RegistryRebuilder(
                    new SqliteDocumentRegistry(database, time),
                    vector,
                    keyword,
                    extractors,
                    chunker,
                    generator.Value);
                await rebuilder.RunAsync(cancellationToken).ConfigureAwait(false);
            }

            var movedAside = SwapInRebuiltRegistry(building, path, stamp);
            using var rebuilt = SqliteDatabase.Open(path, SqliteDocumentRegistry.Description, SqliteDocumentRegistry.Schema);
            var after = await checker.VerifyAsync(new SqliteDocumentRegistry(rebuilt, time), [vectorIndex, keyword], cancellationToken).ConfigureAwait(false);
            var result = rebuilder.Result(after, movedAside, time.GetElapsedTime(started));
            ConsistencyLog.RegistryRebuilt(_logger, result.Documents, result.Chunks, result.Embeddings, result.NotRecoveredCount);
            return result;
        }
        finally
        {
            DeleteLeftoverRebuilds(path);
        }
    }

    /// <summary>
    /// A rebuild replaces only a registry that is missing, corrupt or empty, and never one that is open (here or in
    /// another process): the swap renames the file.
    /// </summary>
    private void ThrowIfRegistryInUseOrHoldsDocuments(string path)
    {
        if (StoreContents.IsMissingOrEmpty(path))
        {
            return;
        }

        try
        {
            DataFolderLock.EnsureClosed(Layout, [DataFolderLayout.Registry]);
        }
        catch (DocPipelineStorageException ex)
        {
            throw new DocPipelineStorageException(
                "Cannot rebuild the registry while it is open: stop every process that uses the data folder, and rebuild from a container that " +
                $"has not opened the registry ('docpipe manage --rebuild-registry'). {ex.Message}", ex);
        }

        long documents;
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM documents;";
            documents = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            // Corrupt or not a registry: that is what the rebuild is for.
            return;
        }

        if (documents > 0)
        {
            throw new DocPipelineStorageException(
                $"The registry '{path}' holds {documents} documents; --rebuild-registry only replaces a registry that is missing, empty or corrupt. " +
                "To make the indexes match it, use 'docpipe manage --repair-consistency' or '--rebuild-index'.");
        }
    }

    /// <summary>Moves the current registry file (with its journal files) aside and the rebuilt one into its place.</summary>
    /// <returns>Where the replaced file went, or <see langword="null"/> when there was none.</returns>
    private static string? SwapInRebuiltRegistry(string building, string path, string stamp)
    {
        string? aside = null;
        foreach (var part in (string[])[path, path + "-wal", path + "-shm", path + "-journal"])
        {
            if (File.Exists(part))
            {
                var to = DataFolderLayout.ReplacedOf(path, stamp) + part[path.Length..];
                File.Move(part, to);
                aside ??= to;
            }
        }

        if (File.Exists(building + "-wal"))
        {
            File.Move(building + "-wal", path + "-wal");
        }

        File.Move(building, path);
        return aside;
    }

    /// <summary>Deletes what an interrupted rebuild left beside the registry; it never served anything.</summary>
    private static void DeleteLeftoverRebuilds(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var leftover in Directory.EnumerateFiles(folder, DataFolderLayout.RebuildOf(Path.GetFileName(path), "*")))
        {
            CheckerRunner.DeleteQuietly(leftover);
        }
    }
}
