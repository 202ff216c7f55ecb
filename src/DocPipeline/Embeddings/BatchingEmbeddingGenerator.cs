using DocPipeline.Configuration;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace DocPipeline.Embeddings;

/// <summary>
/// Coalesces concurrent <see cref="GenerateAsync"/> calls from many jobs into calls of up to
/// <see cref="EmbeddingOptions.BatchSize"/> texts to the inner generator. The first request goes out at once; requests
/// that arrive while calls are running wait and leave together in the next call, so a slow generator (a remote API
/// with a fixed cost per call, or a local model) serves many small requests at the price of a few large calls.
/// </summary>
/// <remarks>
/// Each caller gets its own embeddings in its own order. A caller that cancels leaves the queue without disturbing
/// the others (texts already sent are embedded and dropped). An exception from the inner generator fails every caller
/// with texts in that call, and only those. The inner generator belongs to whoever created it and is not disposed here.
/// </remarks>
internal sealed class BatchingEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Slice> _queue = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly int _batchSize;
    private readonly int _maxConcurrentCalls;
    private int _queuedTexts;
    private int _runningCalls;

    /// <summary>Initializes a new instance of the <see cref="BatchingEmbeddingGenerator"/> class.</summary>
    /// <param name="innerGenerator">The generator that embeds the batches.</param>
    /// <param name="options">The options; batch size and concurrency are read once.</param>
    public BatchingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, IOptions<DocPipelineOptions> options)
        : this(innerGenerator, options?.Value.Embedding.BatchSize ?? throw new ArgumentNullException(nameof(options)), options.Value.Embedding.MaxConcurrentCalls)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BatchingEmbeddingGenerator"/> class.</summary>
    /// <param name="innerGenerator">The generator that embeds the batches.</param>
    /// <param name="batchSize">The most texts in one call.</param>
    /// <param name="maxConcurrentCalls">The most calls running at once.</param>
    internal BatchingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, int batchSize, int maxConcurrentCalls)
        : base(innerGenerator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentCalls, 1);
        _batchSize = batchSize;
        _maxConcurrentCalls = maxConcurrentCalls;
    }

    /// <inheritdoc/>
    public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<GeneratedEmbeddings<Embedding<float>>>(cancellationToken);
        }

        var texts = values as IReadOnlyList<string> ?? values.ToArray();
        if (texts.Count == 0)
        {
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>());
        }

        var request = new Request(texts, options);
        bool startCall;
        lock (_gate)
        {
            for (var offset = 0; offset < texts.Count; offset += _batchSize)
            {
                _queue.AddLast(new Slice(request, offset, Math.Min(_batchSize, texts.Count - offset)));
            }

            _queuedTexts += texts.Count;
            startCall = _runningCalls == 0 || (_runningCalls < _maxConcurrentCalls && _queuedTexts >= _batchSize);
            if (startCall)
            {
                _runningCalls++;
            }
        }

        if (cancellationToken.CanBeCanceled)
        {
            request.Registration = cancellationToken.Register(
                static state =>
                {
                    var (generator, request, token) = ((BatchingEmbeddingGenerator, Request, CancellationToken))state!;
                    generator.Abandon(request, null, token);
                },
                (this, request, cancellationToken));
            if (request.Completion.Task.IsCompleted)
            {
                request.Registration.Dispose();
            }
        }

        if (startCall)
        {
            _ = Task.Run(PumpAsync);
        }

        return request.Completion.Task;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        // The inner generator is not ours: only stop the calls in flight.
        if (disposing && !_disposed.IsCancellationRequested)
        {
            _disposed.Cancel();
            _disposed.Dispose();
        }
    }

    /// <summary>Sends batches while there is work this call slot may take, then gives the slot back.</summary>
    private async Task PumpAsync()
    {
        while (true)
        {
            Batch? batch;
            lock (_gate)
            {
                batch = TakeBatch();
                if (batch is null)
                {
                    _runningCalls--;
                    return;
                }
            }

            await RunAsync(batch).ConfigureAwait(false);

            lock (_gate)
            {
                // Keep the slot while alone, or while a full batch waits; otherwise a running call takes what is left.
                if (_queue.Count == 0 || (_runningCalls > 1 && _queuedTexts < _batchSize))
                {
                    _runningCalls--;
                    return;
                }
            }
        }
    }

    /// <summary>Takes up to one batch of texts that share the options of the oldest waiting request. Call under the lock.</summary>
    private Batch? TakeBatch()
    {
        if (_queue.First is null)
        {
            return null;
        }

        var options = _queue.First.Value.Request.Options;
        var batch = new Batch(options);
        var node = _queue.First;
        while (node is not null && batch.Texts.Count < _batchSize)
        {
            var next = node.Next;
            var slice = node.Value;
            if (ReferenceEquals(slice.Request.Options, options))
            {
                var count = Math.Min(slice.Count, _batchSize - batch.Texts.Count);
                batch.Parts.Add(new Part(slice.Request, slice.Offset, batch.Texts.Count, count));
                for (var i = 0; i < count; i++)
                {
                    batch.Texts.Add(slice.Request.Texts[slice.Offset + i]);
                }

                _queuedTexts -= count;
                if (count == slice.Count)
                {
                    _queue.Remove(node);
                }
                else
                {
                    slice.Offset += count;
                    slice.Count -= count;
                }
            }

            node = next;
        }

        return batch;
    }

    private async Task RunAsync(Batch batch)
    {
        GeneratedEmbeddings<Embedding<float>> result;
        try
        {
            result = await InnerGenerator.GenerateAsync(batch.Texts, batch.Options, _disposed.Token).ConfigureAwait(false);
            if (result.Count != batch.Texts.Count)
            {
                throw new InvalidOperationException(
                    $"The embedding generator returned {result.Count} embeddings for {batch.Texts.Count} texts.");
            }
        }
        catch (Exception exception)
        {
            foreach (var part in batch.Parts)
            {
                Abandon(part.Request, exception, CancellationToken.None);
            }

            return;
        }

        foreach (var part in batch.Parts)
        {
            part.Request.Deliver(result, part.BatchIndex, part.Offset, part.Count);
        }
    }

    /// <summary>Removes a request's waiting texts and ends it with an exception or as cancelled.</summary>
    private void Abandon(Request request, Exception? exception, CancellationToken cancellationToken)
    {
        if (request.Completion.Task.IsCompleted)
        {
            return;
        }

        lock (_gate)
        {
            var node = _queue.First;
            while (node is not null)
            {
                var next = node.Next;
                if (ReferenceEquals(node.Value.Request, request))
                {
                    _queuedTexts -= node.Value.Count;
                    _queue.Remove(node);
                }

                node = next;
            }
        }

        var ended = exception is null
            ? request.Completion.TrySetCanceled(cancellationToken)
            : request.Completion.TrySetException(exception);
        if (ended)
        {
            request.Registration.Dispose();
        }
    }

    /// <summary>One caller's texts and the embeddings gathered for them so far.</summary>
    private sealed class Request(IReadOnlyList<string> texts, EmbeddingGenerationOptions? options)
    {
        private readonly Embedding<float>[] _results = new Embedding<float>[texts.Count];
        private int _missing = texts.Count;

        public IReadOnlyList<string> Texts { get; } = texts;

        public EmbeddingGenerationOptions? Options { get; } = options;

        public TaskCompletionSource<GeneratedEmbeddings<Embedding<float>>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }

        /// <summary>Copies <paramref name="count"/> embeddings of a call's result into place; completes the request with the last of them.</summary>
        public void Deliver(GeneratedEmbeddings<Embedding<float>> result, int batchIndex, int offset, int count)
        {
            for (var i = 0; i < count; i++)
            {
                _results[offset + i] = result[batchIndex + i];
            }

            if (Interlocked.Add(ref _missing, -count) == 0 && Completion.TrySetResult(new GeneratedEmbeddings<Embedding<float>>(_results)))
            {
                Registration.Dispose();
            }
        }
    }

    /// <summary>A run of a request's texts waiting in the queue.</summary>
    private sealed class Slice(Request request, int offset, int count)
    {
        public Request Request { get; } = request;

        public int Offset { get; set; } = offset;

        public int Count { get; set; } = count;
    }

    /// <summary>A run of a request's texts inside a batch.</summary>
    private readonly record struct Part(Request Request, int Offset, int BatchIndex, int Count);

    /// <summary>The texts of one call to the inner generator.</summary>
    private sealed class Batch(EmbeddingGenerationOptions? options)
    {
        public EmbeddingGenerationOptions? Options { get; } = options;

        public List<string> Texts { get; } = [];

        public List<Part> Parts { get; } = [];
    }
}
