using System.Globalization;
using DocPipeline.Ingestion;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace DocPipeline.TestWorker;

/// <summary>
/// <c>DocPipeline.TestWorker batch &lt;data&gt; &lt;failure rate&gt; &lt;seed&gt; (--src &lt;path&gt; | --resume-jobs)</c>:
/// what <c>docpipe batch --embedder hash</c> does (the same <see cref="IDocPipeline"/> calls on the default
/// configuration), except that the hashing embedder fails the given share of its calls at random
/// (<see cref="FlakyEmbeddingGenerator"/>). A test-only host, so the tool itself has no way to load a faulty embedder.
/// Prints one line when the stores are open ("started"), one when the run ends ("result …"), and warnings on stderr.
/// </summary>
internal static class FlakyBatch
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 4 || !(args[3] == "--resume-jobs" || (args[3] == "--src" && args.Length == 5)))
        {
            Console.Error.WriteLine("usage: DocPipeline.TestWorker batch <data> <failure rate> <seed> (--src <path> | --resume-jobs)");
            return 2;
        }

        var failureRate = double.Parse(args[1], CultureInfo.InvariantCulture);
        var seed = int.Parse(args[2], CultureInfo.InvariantCulture);
        var services = new ServiceCollection();
        services.AddLogging(logging => logging
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter(level => level >= LogLevel.Warning)
            .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddDocPipeline(o => o.DataDirectory = args[0]).UseHashingEmbeddings();
        var hashing = services.Last(d => d.ServiceType == typeof(IEmbeddingGenerator<string, Embedding<float>>));
        FlakyEmbeddingGenerator? flaky = null;
        services.Replace(ServiceDescriptor.Singleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
            flaky = new FlakyEmbeddingGenerator((IEmbeddingGenerator<string, Embedding<float>>)hashing.ImplementationFactory!(sp), failureRate, seed)));
        await using var provider = services.BuildServiceProvider();
        var pipeline = provider.GetRequiredService<IDocPipeline>();
        var counts = await pipeline.GetQueueStatusAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"started with {counts.Completed} jobs completed"));

        var options = new IngestOptions();
        var result = args[3] == "--resume-jobs"
            ? await pipeline.ResumeAsync(options)
            : await pipeline.IngestAsync([args[4]], options);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"result total {result.Total}, added {result.Added}, updated {result.Updated}, skipped {result.Skipped}, failed {result.Failed}; embedder calls {flaky?.Calls ?? 0}, failed {flaky?.Failures ?? 0}"));
        foreach (var failure in result.Failures)
        {
            Console.WriteLine($"failed {failure.Source}: {failure.Error}");
        }

        return result.Failed > 0 ? 1 : 0;
    }
}
