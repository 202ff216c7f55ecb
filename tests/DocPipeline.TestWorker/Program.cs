using System.Globalization;
using DocPipeline.Jobs;
using DocPipeline.TestWorker;
using Microsoft.Extensions.DependencyInjection;

// Usage: DocPipeline.TestWorker <job store path> <owner>
// Opens the job store, prints "ready", waits for a line on stdin, then claims jobs (1 to 3 at a time) and completes
// them until none is left, printing "claimed <job id>" for each, and finally "done <count>".
// Or: DocPipeline.TestWorker batch … — a batch run with an embedder that fails at random (see FlakyBatch).
if (args is ["batch", .. var batchArgs])
{
    return await FlakyBatch.RunAsync(batchArgs);
}

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: DocPipeline.TestWorker <job store path> <owner>");
    return 2;
}

var services = new ServiceCollection();
services.AddDocPipeline(options => options.Queue.JobStoragePath = args[0]);
await using var provider = services.BuildServiceProvider();
var store = provider.GetRequiredService<IJobStore>();
Console.WriteLine("ready");
await Console.In.ReadLineAsync();

var count = 0;
var round = 0;
while (true)
{
    var leases = await store.ClaimAsync(new JobClaimRequest { Owner = args[1], MaxJobs = 1 + (round++ % 3), LeaseDuration = TimeSpan.FromMinutes(5) });
    if (leases.Count == 0)
    {
        break;
    }

    foreach (var lease in leases)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"claimed {lease.JobId}"));
        if (!await store.CompleteAsync(lease, args[1]))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lost {lease.JobId}"));
        }

        count++;
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done {count}"));
return 0;
