using System.Globalization;
using DocPipeline.Consistency;
using DocPipeline.Maintenance;
using Npgsql;

namespace DocPipeline.PostgreSql.Storage;

/// <summary>
/// How a store kept in PostgreSQL takes part in maintenance: a backup reports it as backed up by the server
/// (<c>pg_dump</c>), never silently leaves it out; verify checks that its tables answer at the version this code
/// writes; health says whether the server can be reached.
/// </summary>
/// <param name="database">The database.</param>
/// <param name="schema">The store's tables.</param>
/// <param name="isInUse">Whether the store in the pipeline's slot is this one.</param>
internal sealed class PostgreSqlStoreParts(PostgreSqlDatabase database, PostgreSqlSchema schema, Func<bool> isInUse) : IStoreBackup, IStoreIntegrity, IStoreHealth
{
    /// <inheritdoc/>
    public string Name => schema.Component;

    /// <inheritdoc/>
    public bool IsInUse => isInUse();

    /// <inheritdoc/>
    public Task<StoreBackupPart> BackupAsync(string destination, CancellationToken cancellationToken = default) =>
        Task.FromResult(StoreBackupPart.NotWritten(
            $"held by PostgreSQL ({database.Location}, schema {database.Schema}): back it up with the server's tools, for example pg_dump --schema={database.Schema}"));

    /// <inheritdoc/>
    public async Task<StoreIntegrity?> CheckIntegrityAsync(bool deep, CancellationToken cancellationToken = default)
    {
        var check = $"its tables answer at schema version {schema.Version} (the server checks its own pages)";
        string? error = null;
        try
        {
            var version = await VersionAsync(cancellationToken).ConfigureAwait(false);
            if (version != schema.Version)
            {
                error = $"The {schema.Description} tables in schema {database.Schema} are at version {version.ToString(CultureInfo.InvariantCulture)}, and this code writes version {schema.Version}.";
            }
        }
        catch (DocPipelineStorageException ex)
        {
            error = ex.Message;
        }

        return new StoreIntegrity { Name = Name, Check = check, Error = error };
    }

    /// <inheritdoc/>
    public async Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await VersionAsync(cancellationToken).ConfigureAwait(false);
            return StoreHealth.Healthy;
        }
        catch (DocPipelineStorageException ex)
        {
            return new StoreHealth(StoreHealthState.Unavailable, ex.Message);
        }
        catch (NpgsqlException ex)
        {
            return new StoreHealth(StoreHealthState.Unavailable, $"The {schema.Description} at {database.Location} cannot be reached: {ex.Message}");
        }
    }

    private async Task<long> VersionAsync(CancellationToken cancellationToken)
    {
        var versions = await database.QueryAsync(
            schema,
            "SELECT COALESCE(MAX(version), 0) FROM {schema}.schema_versions WHERE component = @component;",
            p => p.Text("component", schema.Component),
            r => Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture),
            cancellationToken).ConfigureAwait(false);
        return versions[0];
    }
}
