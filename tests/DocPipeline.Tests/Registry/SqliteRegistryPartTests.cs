using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using DocPipeline.Specification.Tests.Registry;
using DocPipeline.Storage;

namespace DocPipeline.Tests.Registry;

public sealed class SqliteEmbeddingCacheTests : EmbeddingCacheSpecification
{
    protected override (IDocumentRegistry Documents, IEmbeddingCache Cache) CreateEmbeddingCache() => Parts(SqliteRegistryFile.Open(Directory, Time, Track));
}

public sealed class SqliteRunGenerationStoreTests : RunGenerationStoreSpecification
{
    protected override (IDocumentRegistry Documents, IRunGenerationStore Runs) CreateRunGenerationStore() => Parts(SqliteRegistryFile.Open(Directory, Time, Track));
}

public sealed class SqliteSettingsStoreTests : SettingsStoreSpecification
{
    protected override ISettingsStore CreateSettingsStore() => SqliteRegistryFile.Open(Directory, Time, Track);
}

/// <summary>Opens the SQLite registry file of a specification's folder; <c>track</c> closes the database when the test ends.</summary>
internal static class SqliteRegistryFile
{
    public static SqliteDocumentRegistry Open(TestDirectory directory, TimeProvider time, Func<SqliteDatabase, SqliteDatabase> track) =>
        new(track(SqliteDatabase.Open(directory.File("registry.db"), "document registry", SqliteDocumentRegistry.Schema)), time);
}
