using DocPipeline.Fingerprints;
using DocPipeline.Indexing;
using DocPipeline.Jobs;
using DocPipeline.Maintenance;
using DocPipeline.PostgreSql;
using DocPipeline.PostgreSql.Fingerprints;
using DocPipeline.PostgreSql.Indexing;
using DocPipeline.PostgreSql.Jobs;
using DocPipeline.PostgreSql.Registry;
using DocPipeline.PostgreSql.Storage;
using DocPipeline.Registry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Moves DocPipeline's shared state to PostgreSQL, so that any number of worker processes share one queue.</summary>
public static class PostgreSqlBuilderExtensions
{
    /// <summary>
    /// Replaces the job store, the fingerprint store and the document registry with PostgreSQL tables configured
    /// from the <c>DocPipeline:PostgreSql</c> configuration section. The tables are created and migrated on first use.
    /// The vector and keyword indexes are separate slots: see <see cref="UsePostgreSqlKeywordIndex"/>.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The same builder, so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UsePostgreSql(this IDocPipelineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = AddPostgreSqlCore(builder.Services);
        services.Replace(ServiceDescriptor.Singleton<IJobStore, PostgreSqlJobStore>());
        services.Replace(ServiceDescriptor.Singleton<IFingerprintStore, PostgreSqlFingerprintStore>());
        builder.UseDocumentRegistry<PostgreSqlDocumentRegistry>();
        return builder;
    }

    /// <summary>
    /// Replaces the job store, the fingerprint store and the document registry with PostgreSQL tables (see
    /// <see cref="UsePostgreSql(IDocPipelineBuilder)"/>) and configures the connection in code.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <param name="configure">Configures the options; runs after configuration binding, so code wins.</param>
    /// <returns>The same builder, so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UsePostgreSql(this IDocPipelineBuilder builder, Action<PostgreSqlOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.UsePostgreSql();
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Replaces the keyword index with PostgreSQL full-text search (a generated <c>tsvector</c> column with a GIN index,
    /// ranked by <c>ts_rank_cd</c>), which every worker process can write at once. It uses the connection of
    /// <see cref="UsePostgreSql(IDocPipelineBuilder, Action{PostgreSqlOptions})"/> or the <c>DocPipeline:PostgreSql</c>
    /// configuration section.
    /// </summary>
    /// <param name="builder">The DocPipeline builder.</param>
    /// <returns>The same builder, so that additional calls can be chained.</returns>
    public static IDocPipelineBuilder UsePostgreSqlKeywordIndex(this IDocPipelineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddPostgreSqlCore(builder.Services).Replace(ServiceDescriptor.Singleton<IKeywordIndex, PostgreSqlKeywordIndex>());
        return builder;
    }

    /// <summary>The options, their binding and validation, and the container's one connection pool; safe to call repeatedly.</summary>
    private static IServiceCollection AddPostgreSqlCore(IServiceCollection services)
    {
        services.AddOptions<PostgreSqlOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<PostgreSqlOptions>, PostgreSqlOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlOptions>, PostgreSqlOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PostgreSqlDatabase>();
        AddParts<IJobStore, PostgreSqlJobStore>(services, PostgreSqlJobStore.Schema);
        AddParts<IFingerprintStore, PostgreSqlFingerprintStore>(services, PostgreSqlFingerprintStore.Schema);
        AddParts<IDocumentRegistry, PostgreSqlDocumentRegistry>(services, PostgreSqlDocumentRegistry.Schema);
        AddParts<IKeywordIndex, PostgreSqlKeywordIndex>(services, PostgreSqlKeywordIndex.Schema);
        return services;
    }

    /// <summary>Registers how the PostgreSQL store <typeparamref name="TStore"/> takes part in backup, verify and health while it fills its slot.</summary>
    private static void AddParts<TSlot, TStore>(IServiceCollection services, PostgreSqlSchema schema)
        where TSlot : class
        where TStore : TSlot
    {
        if (services.Any(d => d.ServiceType == typeof(PostgreSqlStoreParts) && Equals(d.ServiceKey, schema.Component)))
        {
            return;
        }

        services.AddKeyedSingleton(schema.Component, (sp, _) => new PostgreSqlStoreParts(sp.GetRequiredService<PostgreSqlDatabase>(), schema, () => sp.GetService<TSlot>() is TStore));
        services.AddSingleton<IStoreBackup>(sp => sp.GetRequiredKeyedService<PostgreSqlStoreParts>(schema.Component));
        services.AddSingleton<IStoreIntegrity>(sp => sp.GetRequiredKeyedService<PostgreSqlStoreParts>(schema.Component));
        services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredKeyedService<PostgreSqlStoreParts>(schema.Component));
    }
}
