using System.Net.Http.Json;
using System.Text.Json.Serialization;
using DocPipeline.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DocPipeline.Monitoring;

/// <summary>
/// POSTs alerts as JSON to <c>Monitoring:AlertWebhookUrl</c>, one at a time in the order raised, off the caller's path:
/// each attempt has <c>Monitoring:AlertWebhookTimeout</c>, and a failed one (error, timeout, non-2xx) is retried after
/// 1 s and 2 s; then the alert is logged as undelivered.
/// </summary>
internal sealed class AlertWebhook(IOptions<DocPipelineOptions> options, TimeProvider time, ILogger<AlertWebhook>? logger = null) : IDisposable
{
    internal const int Attempts = 3;

    private readonly HttpClient _client = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly Lock _gate = new();
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private Task _sending = Task.CompletedTask;

    /// <summary>Queues <paramref name="alert"/> for delivery; returns the task that completes when it was delivered or given up.</summary>
    public Task SendAsync(AlertMessage alert)
    {
        if (options.Value.Monitoring.AlertWebhookUrl is not { } url)
        {
            return Task.CompletedTask;
        }

        lock (_gate)
        {
            var previous = _sending;
            _sending = Task.Run(async () =>
            {
                await previous.ConfigureAwait(false);
                await DeliverAsync(url, alert).ConfigureAwait(false);
            });
            return _sending;
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task DeliverAsync(Uri url, AlertMessage alert)
    {
        Exception? last = null;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            using var timeout = new CancellationTokenSource(options.Value.Monitoring.AlertWebhookTimeout, time);
            try
            {
                using var response = await _client.PostAsJsonAsync(url, alert, AlertJsonContext.Default.AlertMessage, timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = new HttpRequestException($"The webhook answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                last = ex;
            }

            if (attempt < Attempts)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), time).ConfigureAwait(false);
            }
        }

        MonitoringLog.WebhookFailed(_logger, last, url.ToString(), alert.Incident, Attempts);
    }
}

/// <summary>The JSON an alert webhook receives.</summary>
/// <param name="Event"><c>opened</c> or <c>resolved</c>.</param>
/// <param name="Incident"><c>failed_jobs</c>, <c>failure_rate</c> or <c>oldest_pending</c>.</param>
/// <param name="Message">What happened, for people.</param>
/// <param name="Host">The machine that raised it.</param>
/// <param name="ProcessId">The process that raised it.</param>
/// <param name="At">When it was raised.</param>
internal sealed record AlertMessage(string Event, string Incident, string Message, string Host, int ProcessId, DateTimeOffset At);

/// <summary>The source-generated JSON of <see cref="AlertMessage"/> (snake_case).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AlertMessage))]
internal sealed partial class AlertJsonContext : JsonSerializerContext;
