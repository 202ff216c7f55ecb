using DocPipeline.Registry;

namespace DocPipeline.Migration;

/// <summary>
/// What a backup says about an embedder migration: the archive holds the vector generation that serves, never the
/// other one a migration keeps (being built, or kept for a rollback). The note goes into the backup's list of parts
/// not included (<c>not included:</c> in the tool's output, <c>skipped</c> in its JSON and in the manifest).
/// </summary>
internal static class MigrationBackupNote
{
    /// <summary>Reads the migration record and describes the generation a backup leaves out, if there is one.</summary>
    /// <remarks>The settings are resolved here, by a backup of the live stores only: resolving them opens the registry,
    /// which a container built for a restore must leave closed.</remarks>
    public static async Task<string?> ReadAsync(IServiceProvider? services, CancellationToken cancellationToken)
    {
        var settings = services?.GetService(typeof(ISettingsStore)) as ISettingsStore;
        if (settings is null || await EmbedderMigrationRecord.ReadAsync(settings, cancellationToken).ConfigureAwait(false) is not { OtherGenerationKept: true } record)
        {
            return null;
        }

        var recorded = await settings.GetSettingAsync(RegistrySettings.Embedder, cancellationToken).ConfigureAwait(false);
        var switched = string.Equals(recorded, record.TargetEmbedder, StringComparison.Ordinal);
        var (embedder, generation) = switched ? (record.SourceEmbedder, record.SourceGeneration) : (record.TargetEmbedder, record.TargetGeneration);
        return $"vector generation '{generation ?? "(original)"}' of the embedder '{embedder}', which does not serve: a backup holds the serving vector generation only. " +
            (switched
                ? "After a restore, a rollback catches that generation up from what is left on disk and the embedding cache; check it with --verify."
                : "After a restore, the embedder migration builds again from its cursor, and its catch-up re-embeds what that generation lacks.");
    }
}
