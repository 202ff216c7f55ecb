using DocPipeline.Configuration;
using DocPipeline.Indexing;
using DocPipeline.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Consistency;

/// <summary>Runs a <see cref="ConsistencyChecker"/> over temporary files in the data folder, and logs what it reports.</summary>
internal sealed class CheckerRunner(IOptions<DocPipelineOptions> options, TimeProvider time, ILogger<CheckerRunner>? logger = null)
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    /// <summary>Gets where each store of the data folder lives.</summary>
    public DataFolderLayout Layout { get; } = DataFolderLayout.From(options.Value);

    /// <summary>Compares <paramref name="indexes"/> with <paramref name="registry"/>.</summary>
    public Task<ConsistencyReport> VerifyAsync(IDocumentRegistry registry, IReadOnlyList<ISearchIndex> indexes, CancellationToken cancellationToken) =>
        RunAsync(registry, indexes, checker => checker.VerifyAsync(cancellationToken));

    /// <summary>Runs <paramref name="work"/> with a checker whose temporary files live in a folder deleted afterwards.</summary>
    public async Task<T> RunAsync<T>(IDocumentRegistry registry, IReadOnlyList<ISearchIndex> indexes, Func<ConsistencyChecker, Task<T>> work)
    {
        var temporary = Path.Combine(Layout.TemporaryDirectory, "verify-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = await work(new ConsistencyChecker(registry, indexes, temporary, time)).ConfigureAwait(false);
            if (result is ConsistencyReport report)
            {
                LogReport(report);
            }

            return result;
        }
        finally
        {
            DeleteQuietly(temporary);
        }
    }

    /// <summary>Deletes a temporary file or folder, ignoring failures (nothing reads it again).</summary>
    public static void DeleteQuietly(string path)
    {
        try
        {
            BackupFiles.DeletePath(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Temporary files only; nothing reads them again.
        }
    }

    private void LogReport(ConsistencyReport report)
    {
        if (report.IsConsistent)
        {
            ConsistencyLog.Consistent(_logger, report.RegistryChunks, report.Duration);
            return;
        }

        foreach (var index in report.Indexes.Values.Where(i => !i.IsConsistent))
        {
            if (index.Error is not null)
            {
                ConsistencyLog.Unreadable(_logger, index.Name, index.Error);
            }
            else
            {
                ConsistencyLog.Inconsistent(_logger, report.RegistryChunks, report.Duration, index.Name, index.Discrepancies.Missing, index.Discrepancies.Orphaned, index.Discrepancies.Stale);
            }
        }
    }
}
