using DocPipeline.Consistency;
using DocPipeline.Fingerprints;
using DocPipeline.Indexing.Keyword;
using DocPipeline.Indexing.Vector;
using DocPipeline.Ingestion;
using DocPipeline.Jobs;
using DocPipeline.Maintenance;
using DocPipeline.Registry;
using DocPipeline.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the maintenance operations, and the part the built-in stores take in them.</summary>
internal static class MaintenanceServiceCollectionExtensions
{
    /// <summary>
    /// Registers verify, repair, rebuild, backup and restore with the <see cref="IIndexMaintenance"/> façade over them,
    /// the automatic backup before destructive changes, and the built-in stores' participation contracts (each says
    /// whether its store is the one in use, so a slot replaced later leaves it out).
    /// </summary>
    public static IServiceCollection AddDocPipelineMaintenance(this IServiceCollection services)
    {
        services.TryAdd(ServiceDescriptor.Singleton(typeof(Deferred<>), typeof(Deferred<>)));
        services.TryAddSingleton<MaintenanceGate>();
        services.TryAddSingleton<CheckerRunner>();
        services.TryAddSingleton<VerifyOperation>();
        services.TryAddSingleton<RepairOperation>();
        services.TryAddSingleton<RebuildOperation>();
        services.TryAddSingleton<RegistryRebuildOperation>();
        services.TryAddSingleton<BackupOperation>();
        services.TryAddSingleton<RestoreOperation>();
        services.TryAddSingleton<IIndexMaintenance, IndexMaintenance>();
        services.TryAddSingleton<IDestructiveChangeGuard, AutoBackupGuard>();

        AddParts<SqliteStoreParts<IJobStore, SqliteJobStore>>(services, backup: true, integrity: true, health: false);
        AddParts<SqliteStoreParts<IFingerprintStore, SqliteFingerprintStore>>(services, backup: true, integrity: true, health: false);
        AddParts<SqliteStoreParts<IDocumentRegistry, SqliteDocumentRegistry>>(services, backup: true, integrity: true, health: false);
        AddParts<EmbeddedVectorIndexParts>(services, backup: true, integrity: true, health: true);
        AddParts<LuceneKeywordIndexParts>(services, backup: true, integrity: true, health: true);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIndexFolder, EmbeddedVectorIndexParts>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIndexFolder, LuceneKeywordIndexParts>());
        return services;
    }

    private static void AddParts<TParts>(IServiceCollection services, bool backup, bool integrity, bool health)
        where TParts : class
    {
        if (backup)
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IStoreBackup), typeof(TParts)));
        }

        if (integrity)
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IStoreIntegrity), typeof(TParts)));
        }

        if (health)
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IStoreHealth), typeof(TParts)));
        }
    }
}
