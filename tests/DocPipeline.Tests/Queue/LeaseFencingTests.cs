using DocPipeline.Indexing;
using DocPipeline.Ingestion;
using DocPipeline.Jobs;
using DocPipeline.Queue;
using DocPipeline.Registry;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DocPipeline.Tests.Queue;

/// <summary>
/// A worker that lost its lease cannot leave anything behind (DESIGN.md): worker A claims a document's job, its lease
/// expires (forced, no timing) and worker B claims the job and completes it; whatever A writes afterwards is refused,
/// and the document ends committed, with no staged version and indexes that match the registry. Each store family
/// inherits this class and supplies its stores.
/// </summary>
public abstract class LeaseFencingTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private readonly TestDirectory _directory = new();
    private ServiceProvider? _provider;

    private IServiceProvider Services => _provider ??= Build();

    private IJobStore Jobs => Services.GetRequiredService<IJobStore>();

    private IDocumentRegistry Registry => Services.GetRequiredService<IDocumentRegistry>();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        await DisposeStoresAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task HandleAsync_LeaseLostAndSourceEdited_LateWorkerLeavesNoStagedVersion()
    {
        var (source, documentId) = await CreateJobAsync();
        var (leaseA, leaseB) = await TakeOverAsync();
        await RunToCompletionAsync(leaseB);
        await File.AppendAllTextAsync(source, " A later note: two egrets.");

        // A was stalled right after its claim (a loaded machine) and only now reads the document B committed: without
        // the fence it stages the edited text as the next version and, refused at its checkpoint, leaves it pending.
        await Assert.ThrowsAsync<JobLeaseLostException>(() => RunAsync(leaseA));

        await AssertCommittedAndConsistentAsync(documentId, source);
    }

    [Fact]
    public async Task HandleAsync_LeaseLostAndSourceDeleted_LateWorkerCannotMarkDocumentFailed()
    {
        var (source, documentId) = await CreateJobAsync();
        var (leaseA, leaseB) = await TakeOverAsync();
        await RunToCompletionAsync(leaseB);
        var content = await File.ReadAllTextAsync(source);
        File.Delete(source);

        // Without the fence A would find the file gone and mark the document B indexed as failed.
        await Assert.ThrowsAsync<JobLeaseLostException>(() => RunAsync(leaseA));

        await File.WriteAllTextAsync(source, content);
        await AssertCommittedAndConsistentAsync(documentId, source);
    }

    [Fact]
    public async Task FencedWrites_AfterAnotherWorkerTookTheDocument_AreRefused()
    {
        var (source, documentId) = await CreateJobAsync();
        var leaseA = (await Jobs.ClaimAsync(new JobClaimRequest { Owner = "worker-a", LeaseDuration = Lease })).Single();

        // A takes the document and stages a version of its own (chunks B's version does not have), then loses its lease.
        var registryA = await FencedDocumentRegistry.TakeAsync(Registry, Services.GetRequiredService<IRunGenerationStore>(), Context(leaseA).WriteFence, CancellationToken.None);
        var chunk = new ChunkRecord
        {
            ChunkId = documentId + "#stale",
            DocumentId = documentId,
            Revision = 1,
            Ordinal = 0,
            Text = "a version only the worker that lost its lease saw",
            TextHash = "stale-hash",
            StartOffset = 0,
            EndOffset = 10,
        };
        await registryA.StageAsync(Staged(documentId, source, 1, chunk));
        Assert.Equal(1, (await Registry.GetAsync(documentId))!.PendingVersion);
        await Jobs.ExpireLeasesAsync("worker-a");
        var leaseB = (await Jobs.ClaimAsync(new JobClaimRequest { Owner = "worker-b", LeaseDuration = Lease })).Single();
        await RunToCompletionAsync(leaseB);
        var committed = await Registry.GetAsync(documentId);

        // Every later write of A: stage, append to a staged version, publish (index versions, commit, seen), mark failed, remove, index writes.
        await Assert.ThrowsAsync<JobLeaseLostException>(() => registryA.StageAsync(Staged(documentId, source, committed!.Version + 1, chunk)));
        await Assert.ThrowsAsync<JobLeaseLostException>(() => registryA.AppendStagedChunksAsync(Staged(documentId, source, 1, chunk)));
        await Assert.ThrowsAsync<JobLeaseLostException>(() => registryA.SetIndexVersionsAsync(documentId, ["vector", "keyword"], 99));
        await Assert.ThrowsAsync<JobLeaseLostException>(() => registryA.CommitAsync(documentId, committed!.Version));
        await Assert.ThrowsAsync<JobLeaseLostException>(() => registryA.CommitPublishedAsync(documentId, ["vector"], committed!.Version, 1));
        await Assert.ThrowsAsync<JobLeaseLostException>(() => registryA.MarkFailedAsync(documentId, "late failure"));
        await Assert.ThrowsAsync<JobLeaseLostException>(() => registryA.MarkSeenAsync([documentId], 99));
        await Assert.ThrowsAsync<JobLeaseLostException>(() => registryA.MarkSeenAndListCommittedAsync([documentId], 99));
        await Assert.ThrowsAsync<JobLeaseLostException>(() => registryA.MarkRemovingAsync(documentId));
        await Assert.ThrowsAsync<JobLeaseLostException>(() => registryA.RemoveAsync(documentId));
        var keyword = new FencedKeywordIndex(Services.GetRequiredService<IKeywordIndex>(), registryA);
        var vector = new FencedVectorIndex(Services.GetRequiredService<IVectorIndex>(), registryA);
        await Assert.ThrowsAsync<JobLeaseLostException>(() => keyword.UpsertAsync([new KeywordRecord { ChunkId = chunk.ChunkId, DocumentId = documentId, Version = 1, Text = chunk.Text }]));
        await Assert.ThrowsAsync<JobLeaseLostException>(() => vector.DeleteDocumentsAsync([documentId]));

        Assert.Equal(Summary(committed!), Summary((await Registry.GetAsync(documentId))!));
        await AssertCommittedAndConsistentAsync(documentId, source);
    }

    /// <summary>Adds the stores under test (job store, registry, fingerprints, indexes) to the pipeline.</summary>
    protected abstract void ConfigureStores(IDocPipelineBuilder builder, TestDirectory directory);

    /// <summary>Frees what <see cref="ConfigureStores"/> set up outside the container.</summary>
    protected virtual Task DisposeStoresAsync() => Task.CompletedTask;

    private static StagedVersion Staged(string documentId, string source, int version, ChunkRecord chunk) => new()
    {
        DocumentId = documentId,
        Source = source,
        Version = version,
        ContentHash = "stale-content",
        Chunks = [chunk with { Revision = version }],
        EmbeddingModel = "stale-model",
        NewEmbeddings = new Dictionary<string, ReadOnlyMemory<float>>(StringComparer.Ordinal) { [chunk.TextHash] = new float[] { 1, 0, 0 } },
    };

    private static string Summary(DocumentRecord document) =>
        $"{document.Version} {document.PendingVersion} {document.Status} {document.ContentHash} {document.LastError} {document.LastSeenRun} " +
        string.Join(",", document.IndexVersions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private ServiceProvider Build()
    {
        var services = new ServiceCollection();
        var builder = services.AddDocPipeline(o => o.DataDirectory = _directory.File("data")).UseHashingEmbeddings();
        ConfigureStores(builder, _directory);
        return services.BuildServiceProvider();
    }

    private async Task<(string Source, string DocumentId)> CreateJobAsync()
    {
        var source = _directory.Write("docs/heron.txt", "Field note. The observer counted seven herons near the marker; the reeds were dry.");
        var documentId = DocumentIds.FromSource(source);
        await Jobs.CreateAsync([new JobRequest { DocumentId = documentId, Source = source, Type = JobType.Add }]);
        return (source, documentId);
    }

    /// <summary>A claims the job; its lease expires (forced); B claims the same job.</summary>
    private async Task<(JobLease A, JobLease B)> TakeOverAsync()
    {
        var leaseA = (await Jobs.ClaimAsync(new JobClaimRequest { Owner = "worker-a", LeaseDuration = Lease })).Single();
        Assert.Equal(1, await Jobs.ExpireLeasesAsync("worker-a"));
        var leaseB = (await Jobs.ClaimAsync(new JobClaimRequest { Owner = "worker-b", LeaseDuration = Lease })).Single();
        Assert.Equal(leaseA.JobId, leaseB.JobId);
        return (leaseA, leaseB);
    }

    private QueueJobContext Context(JobLease lease) => new(Jobs, new RunningJob(lease, CancellationToken.None), static (_, _) => { }, Lease);

    private Task<string?> RunAsync(JobLease lease) => Services.GetRequiredService<IngestionJobHandler>().HandleAsync(Context(lease), CancellationToken.None);

    private async Task RunToCompletionAsync(JobLease lease)
    {
        var result = await RunAsync(lease);
        Assert.True(await Jobs.CompleteAsync(lease, result));
    }

    private async Task AssertCommittedAndConsistentAsync(string documentId, string source)
    {
        var statistics = await Registry.GetStatisticsAsync();
        Assert.Equal((1L, 0L, 0L), (statistics.Documents, statistics.PendingDocuments, statistics.FailedDocuments));
        var document = (await Registry.GetAsync(documentId))!;
        Assert.Equal((DocumentStatus.Indexed, (int?)null, source), (document.Status, document.PendingVersion, document.Source));

        var expected = new List<IndexEntry>();
        await foreach (var entry in Registry.StreamEntriesAsync())
        {
            expected.Add(new IndexEntry(entry.ChunkId, entry.DocumentId, entry.Revision));
        }

        expected = expected.OrderBy(e => e.ChunkId, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, await EntriesAsync(Services.GetRequiredService<IVectorIndex>()));
        Assert.Equal(expected, await EntriesAsync(Services.GetRequiredService<IKeywordIndex>()));
    }

    private static async Task<List<IndexEntry>> EntriesAsync(ISearchIndex index)
    {
        var entries = new List<IndexEntry>();
        await foreach (var entry in index.ListEntriesAsync())
        {
            entries.Add(entry);
        }

        return entries.OrderBy(e => e.ChunkId, StringComparer.Ordinal).ToList();
    }
}
