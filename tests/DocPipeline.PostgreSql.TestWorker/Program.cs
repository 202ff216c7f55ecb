using System.Globalization;
using DocPipeline.Fingerprints;
using DocPipeline.Indexing;
using DocPipeline.Jobs;
using DocPipeline.PostgreSql.TestWorker;
using DocPipeline.Queue;
using DocPipeline.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

// Usage: DocPipeline.PostgreSql.TestWorker <connection string> <schema> <data directory> <extra milliseconds per job> [<qdrant endpoint> <collection>]
//        DocPipeline.PostgreSql.TestWorker burn <seconds>
// One worker process of a deployment that shares a PostgreSQL queue: the real ingestion handler, the job store,
// fingerprints, registry and keyword index in PostgreSQL, the hashing embedder and an in-memory vector index, or the
// shared Qdrant collection when an endpoint and a collection are given. Short leases (2 s, renewed every 0.5 s), so a killed worker's jobs are taken over
// within seconds and, on a loaded machine, a starved worker loses leases while it works.
// Prints "ready" once every table exists, runs the queue until a line "stop" (or the end of stdin), then "stopped".
// "burn" keeps one core busy for at most <seconds> (CPU pressure beside the workers), or until killed.
if (args is ["burn", var seconds])
{
    var until = Environment.TickCount64 + (long.Parse(seconds, CultureInfo.InvariantCulture) * 1000);
    var spins = 0L;
    while (Environment.TickCount64 < until)
    {
        spins++;
    }

    return spins > 0 ? 0 : 1;
}

if (args.Length is not (4 or 6))
{
    Console.Error.WriteLine("usage: DocPipeline.PostgreSql.TestWorker <connection string> <schema> <data directory> <extra milliseconds per job> [<qdrant endpoint> <collection>]");
    return 2;
}

var extraDelay = TimeSpan.FromMilliseconds(int.Parse(args[3], CultureInfo.InvariantCulture));
var services = new ServiceCollection();

// Logs go to stderr (the test collects it); stdout carries only "ready" and "stopped".
services.AddLogging(logging => logging
    .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
    .SetMinimumLevel(LogLevel.Warning));
var pipeline = services.AddDocPipeline(options =>
    {
        options.DataDirectory = args[2];
        options.Queue.MaxConcurrent = 4;
        options.Queue.BatchSize = 4;
        options.Queue.LeaseDuration = TimeSpan.FromSeconds(2);
        options.Queue.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
        options.Queue.PollInterval = TimeSpan.FromMilliseconds(200);
        options.Queue.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
        options.Queue.RetryMaxDelay = TimeSpan.FromSeconds(1);
    })
    .UsePostgreSql(options =>
    {
        options.ConnectionString = args[0];
        options.Schema = args[1];
    })
    .UsePostgreSqlKeywordIndex()
    .UseHashingEmbeddings();
if (args.Length == 6)
{
    pipeline.UseQdrant(options =>
    {
        options.Endpoint = new Uri(args[4]);
        options.CollectionName = args[5];
        options.RetryDelay = TimeSpan.FromMilliseconds(50);
    });
}
else
{
    pipeline.UseInMemoryVectorIndex();
}

if (extraDelay > TimeSpan.Zero)
{
    // A slower worker: the same handler, then a pause, so it always has jobs in flight when it is killed.
    var handler = services.Last(d => d.ServiceType == typeof(IJobHandler));
    services.Replace(ServiceDescriptor.Singleton<IJobHandler>(sp => new SlowHandler((IJobHandler)handler.ImplementationFactory!(sp), extraDelay)));
}

await using var provider = services.BuildServiceProvider();

// Touch every store, so that the tables exist (several processes migrate at once) before the test enqueues.
await provider.GetRequiredService<IJobStore>().GetCountsAsync();
await provider.GetRequiredService<IFingerprintStore>().CountAsync();
await provider.GetRequiredService<IDocumentRegistry>().GetStatisticsAsync();
await provider.GetRequiredService<IKeywordIndex>().GetStatisticsAsync();
Console.WriteLine("ready");

using var stop = new CancellationTokenSource();
var run = provider.GetRequiredService<IDocumentQueue>().RunAsync(stop.Token);
while (await Console.In.ReadLineAsync() is { } line && line != "stop")
{
}

await stop.CancelAsync();
await run;
Console.WriteLine("stopped");
return 0;
