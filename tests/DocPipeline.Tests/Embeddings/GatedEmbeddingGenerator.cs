using Microsoft.Extensions.AI;

namespace DocPipeline.Tests.Embeddings;

/// <summary>
/// A fake embedder whose calls each wait until the test releases them, so tests control which requests are waiting
/// while a call runs. Each embedding carries its input text as its model id, so results can be traced to inputs.
/// </summary>
internal sealed class GatedEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly Lock _gate = new();
    private readonly List<Call> _calls = [];

    public EmbeddingGeneratorMetadata Metadata { get; } = new("fake", null, "fake-model", 1);

    /// <summary>Gets the texts of every call so far, in call order.</summary>
    public IReadOnlyList<string[]> Calls
    {
        get
        {
            lock (_gate)
            {
                return _calls.Select(call => call.Texts).Where(texts => texts is not null).ToList()!;
            }
        }
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToArray();
        Call call;
        lock (_gate)
        {
            call = CallAt(_calls.FindIndex(c => c.Texts is null) is var free and >= 0 ? free : _calls.Count);
            call.Texts = texts;
            call.Options = options;
        }

        call.Started.SetResult();
        var exception = await call.Released.Task;
        if (exception is not null)
        {
            throw exception;
        }

        return new GeneratedEmbeddings<Embedding<float>>(texts.Select(text => new Embedding<float>(new[] { (float)text.Length }) { ModelId = text }));
    }

    /// <summary>Waits until call number <paramref name="index"/> (0-based) has started and returns its texts.</summary>
    public async Task<string[]> WaitForCallAsync(int index)
    {
        Call call;
        lock (_gate)
        {
            call = CallAt(index);
        }

        await call.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return call.Texts!;
    }

    /// <summary>Lets call number <paramref name="index"/> return, or throw <paramref name="exception"/>.</summary>
    public void Release(int index, Exception? exception = null)
    {
        lock (_gate)
        {
            CallAt(index).Released.SetResult(exception);
        }
    }

    /// <summary>Lets every call, present and future, return at once.</summary>
    public void ReleaseAll()
    {
        lock (_gate)
        {
            for (var i = 0; i < 1000; i++)
            {
                CallAt(i).Released.TrySetResult(null);
            }
        }
    }

    public EmbeddingGenerationOptions? OptionsOf(int index)
    {
        lock (_gate)
        {
            return CallAt(index).Options;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private Call CallAt(int index)
    {
        while (_calls.Count <= index)
        {
            _calls.Add(new Call());
        }

        return _calls[index];
    }

    private sealed class Call
    {
        public string[]? Texts { get; set; }

        public EmbeddingGenerationOptions? Options { get; set; }

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<Exception?> Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
