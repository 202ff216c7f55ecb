using DocPipeline.Configuration;
using DocPipeline.Consistency;
using DocPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocPipeline.Jobs;

/// <summary>The embedded SQLite job store's part in backups and verify (see <see cref="SqliteStoreParts"/>).</summary>
internal sealed class SqliteJobStoreParts(IServiceProvider services, SqliteDatabaseProvider databases, IOptions<DocPipelineOptions> options)
    : SqliteStoreParts(databases, DataFolderLayout.Jobs, DataFolderLayout.From(options.Value).JobsPath, SqliteJobStore.Description, SqliteJobStore.Schema)
{
    /// <inheritdoc/>
    public override bool IsInUse => services.GetService<IJobStore>() is SqliteJobStore;
}
