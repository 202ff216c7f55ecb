using System.Globalization;
using DocPipeline.Indexing.Vector;
using Lucene.Net.Index;
using Microsoft.Data.Sqlite;
using LuceneDirectory = Lucene.Net.Store.FSDirectory;

namespace DocPipeline.Consistency;

/// <summary>
/// Tells which embedded stores of a data folder hold data, reading them without creating or changing anything: the
/// check that keeps a lost or emptied store from starting empty beside stores that still hold data (DESIGN.md).
/// </summary>
internal static class StoreContents
{
    /// <summary>The way back from a lost or corrupt registry, for messages.</summary>
    public const string RegistryWayBack =
        "Restore the data folder from a backup ('docpipe manage --restore <backup>'), or rebuild the registry from the indexes " +
        "('docpipe manage --rebuild-registry'; in code IIndexMaintenance.RebuildRegistryAsync).";

    /// <summary>
    /// Describes the stores other than the registry that hold data, for example <c>the vector index (120 entries)</c>.
    /// Completed jobs count only with <paramref name="countFinishedJobs"/>: a registry emptied by removals keeps its job history.
    /// </summary>
    public static IReadOnlyList<string> OthersHoldingData(DataFolderLayout layout, bool countFinishedJobs)
    {
        var found = new List<string>();
        var vectors = CountRows(Path.Combine(layout.VectorDirectory, VectorStore.CatalogFileName), "SELECT COUNT(*) FROM vector_entries;");
        if (vectors > 0)
        {
            found.Add($"the vector index ({Count(vectors)} entries)");
        }

        var keywords = CountLuceneDocuments(layout.KeywordDirectory);
        if (keywords != 0)
        {
            found.Add(keywords > 0 ? $"the keyword index ({Count(keywords)} entries)" : "the keyword index (its files exist but cannot be read)");
        }

        var fingerprints = CountRows(layout.FingerprintsPath, "SELECT COUNT(*) FROM fingerprints;");
        if (fingerprints > 0)
        {
            found.Add($"the fingerprint store ({Count(fingerprints)} sources)");
        }

        var jobs = countFinishedJobs ? CountRows(layout.JobsPath, "SELECT COUNT(*) FROM jobs WHERE status = 'completed';") : 0;
        if (jobs > 0)
        {
            found.Add($"the job store ({Count(jobs)} completed jobs)");
        }

        return found;
    }

    /// <summary>Whether the SQLite file at <paramref name="path"/> is missing or holds no page yet (a new file's first pages may live in its WAL only).</summary>
    public static bool IsMissingOrEmpty(string path) => IsEmptyOrMissingFile(path) && IsEmptyOrMissingFile(path + "-wal");

    /// <summary>
    /// Refuses to start the registry of <paramref name="layout"/> empty (<paramref name="missing"/>: its file is missing) while other stores hold data.
    /// </summary>
    /// <exception cref="DocPipelineStorageException">Another store holds data; the message gives the way back.</exception>
    public static void ThrowIfRegistryWouldStartEmpty(DataFolderLayout layout, bool missing)
    {
        var others = OthersHoldingData(layout, countFinishedJobs: missing);
        if (others.Count == 0)
        {
            return;
        }

        throw new DocPipelineStorageException(
            $"The document registry '{layout.RegistryPath}' is {(missing ? "missing" : "empty")}, but {Join(others)} still hold data. " +
            "DocPipeline will not start an empty registry beside them: every source would be skipped as unchanged while search finds nothing, " +
            "and a repair would delete the indexed chunks. Nothing was changed. " + RegistryWayBack);
    }

    private static string Join(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static bool IsEmptyOrMissingFile(string path)
    {
        var info = new FileInfo(path);
        return !info.Exists || info.Length == 0;
    }

    /// <summary>Runs a count on an existing SQLite file without creating it; 0 when missing, without the table, or unreadable (its own open reports that).</summary>
    private static long CountRows(string path, string sql)
    {
        if (IsMissingOrEmpty(path))
        {
            return 0;
        }

        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    /// <summary>The live documents of the Lucene index in <paramref name="folder"/>: 0 when there is none, -1 when its files cannot be read.</summary>
    private static long CountLuceneDocuments(string folder)
    {
        if (!Directory.Exists(folder) || !Directory.EnumerateFiles(folder, IndexFileNames.SEGMENTS + "*").Any())
        {
            return 0;
        }

        try
        {
            using var directory = LuceneDirectory.Open(new DirectoryInfo(folder));
            if (!DirectoryReader.IndexExists(directory))
            {
                return -1;
            }

            using var reader = DirectoryReader.Open(directory);
            return reader.NumDocs;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }
}
