using Grpc.Core;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace DocPipeline.Qdrant.Indexing;

/// <summary>
/// The one gRPC channel and client of a container, with the per-call deadline, the retries of transient failures,
/// and the translation of what is left into <see cref="DocPipelineStorageException"/> naming the server and the call.
/// </summary>
internal sealed class QdrantConnection : IDisposable
{
    private readonly QdrantChannel _channel;
    private readonly ResiliencePipeline _retries;

    public QdrantConnection(IOptions<QdrantVectorIndexOptions> options)
    {
        var settings = options.Value;
        Endpoint = settings.Endpoint!;
        Options = settings;
        _channel = QdrantChannel.ForAddress(Endpoint, new ClientConfiguration { ApiKey = settings.ApiKey, CertificateThumbprint = settings.CertificateThumbprint });
        // No logger: the client logs every failed call as an error, and a missing collection (NotFound) is expected
        // here; what fails for good reaches the caller as a DocPipelineStorageException instead.
        Client = new QdrantClient(new QdrantGrpcClient(_channel), settings.Timeout);
        var builder = new ResiliencePipelineBuilder();
        if (settings.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(ex => IsTransient(ex.StatusCode)),
                MaxRetryAttempts = settings.MaxRetries,
                Delay = settings.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        }

        _retries = builder.Build();
    }

    public Uri Endpoint { get; }

    public QdrantVectorIndexOptions Options { get; }

    public QdrantClient Client { get; }

    /// <summary>Runs one call with retries; a failure that remains is a <see cref="DocPipelineStorageException"/> saying what could not be done.</summary>
    public async Task<T> CallAsync<T>(string what, Func<QdrantClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await _retries.ExecuteAsync(
                static async (state, token) => await state.call(state.Client, token).ConfigureAwait(false),
                (call, Client),
                cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(ex.Message, ex, cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.NotFound)
        {
            throw new DocPipelineStorageException(Describe(what, ex), ex);
        }
        catch (QdrantException ex)
        {
            throw new DocPipelineStorageException($"Qdrant at {Endpoint} could not {what}: {ex.Message}", ex);
        }
    }

    /// <summary>Runs one call with retries and no result.</summary>
    public Task CallAsync(string what, Func<QdrantClient, CancellationToken, Task> call, CancellationToken cancellationToken) =>
        CallAsync(what, async (client, token) =>
        {
            await call(client, token).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public string Describe(string what, RpcException ex)
    {
        var cause = ex.StatusCode switch
        {
            StatusCode.Unavailable => "the server is unavailable",
            StatusCode.DeadlineExceeded => $"the server did not answer within {Options.Timeout.TotalSeconds:0.###} s (DocPipeline:Qdrant:Timeout)",
            StatusCode.Unauthenticated or StatusCode.PermissionDenied => "the API key was refused (DocPipeline:Qdrant:ApiKey)",
            _ => ex.StatusCode.ToString(),
        };
        var tries = IsTransient(ex.StatusCode) && Options.MaxRetries > 0 ? $" after {Options.MaxRetries + 1} tries" : string.Empty;
        return $"Qdrant at {Endpoint} could not {what}{tries}: {cause} ({ex.Status.Detail}).";
    }

    public void Dispose()
    {
        Client.Dispose();
        _channel.Dispose();
    }

    private static bool IsTransient(StatusCode code) =>
        code is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted or StatusCode.Internal;
}
