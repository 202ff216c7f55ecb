using DocPipeline.Configuration;
using DocPipeline.Jobs;
using DocPipeline.Queue;
using DocPipeline.Specification.Tests;
using DocPipeline.Storage;
using Microsoft.Extensions.Time.Testing;

namespace DocPipeline.Tests.Queue;

/// <summary>A real SQLite job store in a temp folder, fake time, and queues over them.</summary>
internal sealed class QueueHarness : IDisposable
{
    /// <summary>How long a test waits for something that should happen at once before it fails instead of hanging.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TestDirectory _directory = new();
    private readonly SqliteDatabaseProvider _databases = new();

    public QueueHarness(Action<QueueOptions>? configure = null)
    {
        Options.Queue.RetryJitter = 0;
        configure?.Invoke(Options.Queue);
        Store = new SqliteJobStore(
            _databases.Open(_directory.File("jobs.db"), SqliteJobStore.Description, SqliteJobStore.Schema),
            JobStoreSettings.From(Options.Queue),
            Time);
    }

    public DocPipelineOptions Options { get; } = new();

    public WatchedTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public SqliteJobStore Store { get; }

    public DocumentQueue CreateQueue(Func<JobContext, CancellationToken, Task<string?>> handle) =>
        new(Store, new DelegateJobHandler(handle), Microsoft.Extensions.Options.Options.Create(Options), Time);

    public static JobRequest Request(string documentId) => new() { DocumentId = documentId, Source = $"/docs/{documentId}.txt" };

    public static List<JobRequest> Requests(int count) => Enumerable.Range(0, count).Select(i => Request($"doc{i}")).ToList();

    public void Dispose()
    {
        _databases.Dispose();
        _directory.Dispose();
    }
}
