using DocPipeline.Jobs;
using DocPipeline.Specification.Tests;
using DocPipeline.Specification.Tests.Jobs;
using DocPipeline.Storage;
using Microsoft.Extensions.Time.Testing;

namespace DocPipeline.Tests.Jobs;

public sealed class SqliteJobStoreTests : JobStoreSpecification, IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly SqliteDatabaseProvider _databases = new();

    public void Dispose()
    {
        _databases.Dispose();
        _directory.Dispose();
    }

    protected override IJobStore CreateStore(FakeTimeProvider time, JobStoreSpecificationSettings settings) =>
        new SqliteJobStore(_databases.Open(_directory.File("jobs.db"), SqliteJobStore.Description, SqliteJobStore.Schema), settings.ToStoreSettings(), time);
}
