using DocPipeline.Configuration;
using DocPipeline.Consistency;
using DocPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DocPipeline.Fingerprints;

/// <summary>The embedded SQLite fingerprint store's part in backups and verify (see <see cref="SqliteStoreParts"/>).</summary>
internal sealed class SqliteFingerprintStoreParts(IServiceProvider services, SqliteDatabaseProvider databases, IOptions<DocPipelineOptions> options)
    : SqliteStoreParts(databases, DataFolderLayout.Fingerprints, DataFolderLayout.From(options.Value).FingerprintsPath, SqliteFingerprintStore.Description, SqliteFingerprintStore.Schema)
{
    /// <inheritdoc/>
    public override bool IsInUse => services.GetService<IFingerprintStore>() is SqliteFingerprintStore;
}
