using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DocPipeline.Jobs;
using DocPipeline.Monitoring;
using DocPipeline.Specification.Tests;
using DocPipeline.Tests.Consistency;
using DocPipeline.Tests.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace DocPipeline.Tests.Monitoring;

/// <summary>Alerts on a real pipeline: a job that fails for good opens one incident (error log, health, webhook on a loopback listener), resolving it is reported too.</summary>
public sealed class AlertTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task Observe_JobFailedForGood_OneIncidentLoggedPostedWithRetryAndResolved()
    {
        using var webhook = new LoopbackWebhook(failFirst: 1);
        using var logs = new CollectingLoggerProvider();
        _directory.Write("docs/a.txt", "alpha");
        _directory.Write("docs/empty.txt", string.Empty);
        await using var pipeline = new TestPipeline(
            _directory,
            builder => builder.Services.AddLogging(l => l.AddProvider(logs)),
            o =>
            {
                o.Monitoring.AlertOnFailures = true;
                o.Monitoring.AlertWebhookUrl = webhook.Url;
                o.Monitoring.AlertWebhookTimeout = TimeSpan.FromSeconds(30);
            });
        var result = await pipeline.IngestAsync(_directory.File("docs"));
        var observer = pipeline.Get<QueueObserver>();

        await observer.ObserveAsync(CancellationToken.None);
        await observer.ObserveAsync(CancellationToken.None);
        var opened = await webhook.WaitForAsync(m => m.GetProperty("incident").GetString() == "failed_jobs");
        var health = await pipeline.Get<IPipelineMonitor>().CheckHealthAsync();
        await pipeline.Get<IJobStore>().PurgeAsync(DateTimeOffset.MaxValue, JobStatus.Failed);
        await observer.ObserveAsync(CancellationToken.None);
        var resolved = await webhook.WaitForAsync(m => m.GetProperty("incident").GetString() == "failed_jobs" && m.GetProperty("event").GetString() == "resolved");

        Assert.Equal(1, result.Failed);
        Assert.Equal("opened", opened.GetProperty("event").GetString());
        Assert.Equal(Environment.ProcessId, opened.GetProperty("process_id").GetInt32());
        Assert.Equal("resolved", resolved.GetProperty("event").GetString());
        Assert.True(webhook.Requests >= 3, $"The first POST was answered 500 and must have been retried; {webhook.Requests} requests came.");
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains(health.Reasons, r => r.Check == "failed_jobs");
        Assert.Single(logs.Entries, e => e.Event.Id == 7101 && e.Message.Contains("failed_jobs", StringComparison.Ordinal));
        Assert.Single(logs.Entries, e => e.Event.Id == 7102 && e.Message.Contains("failed_jobs", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, logs.Entries.First(e => e.Event.Id == 7101).Level);
    }

    [Fact]
    public async Task Gauges_AfterAnObservation_ReportJobsByStateAndWorkers()
    {
        _directory.Write("docs/a.txt", "alpha");
        _directory.Write("docs/b.txt", "bravo");
        await using var pipeline = new TestPipeline(_directory);
        await pipeline.IngestAsync(_directory.File("docs"));
        var measured = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "DocPipeline" && instrument.Name is "docpipeline.queue.jobs" or "docpipeline.workers")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measured[$"{instrument.Name}/{tags[0].Value}"] = value);
        listener.Start();

        // The gauges report the process's last observation, and queues of tests running beside this one publish theirs
        // too (after every heartbeat): observe right before reading, and again if another queue's reading came between.
        for (var attempt = 0; attempt < 20 && measured.GetValueOrDefault("docpipeline.queue.jobs/completed") != 2; attempt++)
        {
            measured.Clear();
            await pipeline.Get<QueueObserver>().ObserveAsync(CancellationToken.None);
            listener.RecordObservableInstruments();
        }

        Assert.Equal(2, measured["docpipeline.queue.jobs/completed"]);
        Assert.True(measured.GetValueOrDefault("docpipeline.workers/stopped") >= 1, string.Join(", ", measured));
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>An HTTP listener on a free loopback port that records the JSON bodies POSTed to it; answers 500 to the first <c>failFirst</c> requests.</summary>
    private sealed class LoopbackWebhook : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly BlockingCollection<JsonElement> _messages = [];
        private readonly Task _serving;
        private int _requests;

        public LoopbackWebhook(int failFirst)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = new Uri($"http://127.0.0.1:{port}/alerts/");
            _listener.Prefixes.Add(Url.ToString());
            _listener.Start();
            _serving = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }

                    using var reader = new StreamReader(context.Request.InputStream);
                    var body = await reader.ReadToEndAsync();
                    if (Interlocked.Increment(ref _requests) <= failFirst)
                    {
                        context.Response.StatusCode = 500;
                    }
                    else
                    {
                        _messages.Add(JsonDocument.Parse(body).RootElement.Clone());
                        context.Response.StatusCode = 204;
                    }

                    context.Response.Close();
                }
            });
        }

        public Uri Url { get; }

        public int Requests => Volatile.Read(ref _requests);

        public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> condition)
        {
            using var timeout = new CancellationTokenSource(Patience);
            return await Task.Run(() =>
            {
                foreach (var message in _messages.GetConsumingEnumerable(timeout.Token))
                {
                    if (condition(message))
                    {
                        return message;
                    }
                }

                throw new InvalidOperationException("The webhook stopped.");
            });
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _serving.Wait(Patience);
            _messages.Dispose();
        }
    }
}
