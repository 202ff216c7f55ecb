using DocPipeline.Configuration;
using DocPipeline.Consistency;
using DocPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocPipeline.Registry;

/// <summary>The embedded SQLite registry's part in backups and verify (see <see cref="SqliteStoreParts"/>).</summary>
internal sealed class SqliteDocumentRegistryParts(IServiceProvider services, SqliteDatabaseProvider databases, IOptions<DocPipelineOptions> options)
    : SqliteStoreParts(databases, DataFolderLayout.Registry, DataFolderLayout.From(options.Value).RegistryPath, SqliteDocumentRegistry.Description, SqliteDocumentRegistry.Schema)
{
    /// <inheritdoc/>
    public override bool IsInUse => services.GetService<IDocumentRegistry>() is SqliteDocumentRegistry;
}
