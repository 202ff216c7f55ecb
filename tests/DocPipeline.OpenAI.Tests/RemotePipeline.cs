using System.Collections.Concurrent;
using DocPipeline.Configuration;
using DocPipeline.Specification.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DocPipeline.OpenAI.Tests;

/// <summary>A DocPipeline over a temp data folder that embeds through the real OpenAI client against <see cref="OpenAIEmbeddingServer"/>, its logs collected.</summary>
internal sealed class RemotePipeline : IAsyncDisposable
{
    private readonly string _keyVariable = "DOCPIPE_TEST_KEY_" + Guid.NewGuid().ToString("N");

    public RemotePipeline(OpenAIEmbeddingServer server, string apiKey, Action<DocPipelineOptions>? configure = null, int? dimensions = 16)
    {
        Environment.SetEnvironmentVariable(_keyVariable, apiKey);
        Directory = new TestDirectory();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        services.AddDocPipeline(o =>
        {
            o.DataDirectory = Directory.File("data");
            configure?.Invoke(o);
        }).UseOpenAIEmbeddings(o =>
        {
            o.Endpoint = server.Endpoint;
            o.Model = "test-embedding-small";
            o.Dimensions = dimensions;
            o.ApiKeyVariable = _keyVariable;
        });
        Provider = services.BuildServiceProvider();
    }

    public TestDirectory Directory { get; }

    public ServiceProvider Provider { get; }

    public LogCollector Logs { get; } = new();

    public IDocPipeline Pipeline => Provider.GetRequiredService<IDocPipeline>();

    /// <summary>Writes <paramref name="count"/> small distinct text files and returns their folder.</summary>
    public string WriteCorpus(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Directory.Write($"corpus/doc{i:D4}.txt", $"Document {i} talks about topic {i % 7} and item {i * 31 % 97} in plain words.");
        }

        return Directory.File("corpus");
    }

    /// <summary>Closes the pipeline (releasing its files), then tells whether <paramref name="secret"/> appears in any file under the data folder.</summary>
    public async Task<bool> DataFolderContainsAsync(string secret)
    {
        await Provider.DisposeAsync();
        var needle = System.Text.Encoding.UTF8.GetBytes(secret);
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory.File("data"), "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            if (copy.ToArray().AsSpan().IndexOf(needle) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        Environment.SetEnvironmentVariable(_keyVariable, null);
        Directory.Dispose();
    }

    /// <summary>Every log line, with its exception, at every level.</summary>
    internal sealed class LogCollector : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Collector(LogCollector owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
