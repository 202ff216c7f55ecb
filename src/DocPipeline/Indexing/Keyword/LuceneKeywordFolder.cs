using System.Globalization;
using DocPipeline.Configuration;
using DocPipeline.Consistency;
using DocPipeline.Maintenance;
using Lucene.Net.Index;
using Microsoft.Extensions.Logging;

namespace DocPipeline.Indexing.Keyword;

/// <summary>The Lucene keyword index as maintenance sees it (see <see cref="FolderIndex"/>); in memory it has no folder.</summary>
internal sealed class LuceneKeywordFolder(LuceneKeywordIndex keyword) : FolderIndex
{
    public override ISearchIndex Index => keyword;

    public override string? Folder => keyword.IsInMemory ? null : keyword.Location;

    public override Func<string, bool> IsIndexFile => LuceneIndexHandle.IsIndexFile;

    public override Task<StoreHealth> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            keyword.OpenOrReport();
            return Task.FromResult(StoreHealth.Healthy);
        }
        catch (DocPipelineStorageException ex)
        {
            var held = ex is Storage.DataFolderInUseException
                || (!keyword.IsInMemory && IndexHealth.IsHeld(Path.Combine(keyword.Location, IndexWriter.WRITE_LOCK_NAME)));
            return Task.FromResult(new StoreHealth(held ? StoreHealthState.InUse : StoreHealthState.Damaged, ex.Message));
        }
    }

    public override async Task<string?> SetAsideDamagedAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var aside = keyword.IsInMemory ? null : MoveFilesAside(keyword.Location, time);
        await keyword.RecreateAsync(cancellationToken).ConfigureAwait(false);
        return aside;
    }

    public override ISearchIndex CreateAt(string folder, DocPipelineOptions options, TimeProvider time, ILogger logger) =>
        new LuceneKeywordIndex(new LuceneKeywordIndexSettings(folder, options.KeywordIndex.RefreshInterval, options.KeywordIndex.RamBufferSizeMB) { ReadOnly = options.ReadOnly }, time, logger);

    public override Task ReopenAsync(CancellationToken cancellationToken) => keyword.ReopenAsync(cancellationToken);

    private static string? MoveFilesAside(string folder, TimeProvider time)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var files = Directory.EnumerateFiles(folder)
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith(IndexFileNames.SEGMENTS, StringComparison.Ordinal) || name.StartsWith('_')))
            .ToList();
        if (files.Count == 0)
        {
            return null;
        }

        var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var aside = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + DataFolderLayout.DamagedInfix + stamp;
        try
        {
            Directory.CreateDirectory(aside);
            foreach (var file in files)
            {
                File.Move(file, Path.Combine(aside, Path.GetFileName(file)));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DocPipelineStorageException($"The damaged keyword index '{folder}' cannot be moved aside to '{aside}': {ex.Message}", ex);
        }

        return aside;
    }
}
