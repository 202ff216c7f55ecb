using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace DocPipeline.Embeddings;

/// <summary>
/// A fast, deterministic embedding generator that is NOT semantic: it hashes the lower-cased words of a text and its
/// word pairs (bigrams) into a vector (feature hashing) and L2-normalizes it. Texts that share words get similar
/// vectors; texts that mean the same in other words do not. Use it for tests, benchmarks and offline demos, never
/// for search quality.
/// </summary>
internal sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model id reported in the metadata and on every embedding.</summary>
    public const string ModelId = "docpipeline-hashing-v1";

    /// <summary>The provider name reported in the metadata.</summary>
    public const string ProviderName = "docpipeline";

    /// <summary>The default number of dimensions, the same as all-MiniLM-L6-v2.</summary>
    public const int DefaultDimensions = 384;

    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;
    private const float BigramWeight = 0.5f;

    private readonly int _dimensions;

    /// <summary>Initializes a new instance of the <see cref="HashingEmbeddingGenerator"/> class.</summary>
    /// <param name="dimensions">The number of dimensions of every vector.</param>
    public HashingEmbeddingGenerator(int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        _dimensions = dimensions;
        Metadata = new EmbeddingGeneratorMetadata(ProviderName, null, ModelId, dimensions);
    }

    /// <summary>Gets the metadata: provider <c>docpipeline</c>, model <see cref="ModelId"/>, and the dimensions.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <inheritdoc/>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        cancellationToken.ThrowIfCancellationRequested();
        if (options?.Dimensions is { } requested && requested != _dimensions)
        {
            throw new ArgumentException($"This generator makes {_dimensions}-dimension vectors; {requested} were asked for.", nameof(options));
        }

        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            result.Add(new Embedding<float>(Embed(value ?? string.Empty, _dimensions)) { ModelId = ModelId });
        }

        return Task.FromResult(result);
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
    }

    /// <summary>Hashes the words (runs of letters and digits, lower-cased) and word pairs of a text into a unit vector.</summary>
    internal static float[] Embed(string text, int dimensions)
    {
        var vector = new float[dimensions];
        var previous = 0UL;
        var hasPrevious = false;
        var position = 0;
        while (position < text.Length)
        {
            while (position < text.Length && !char.IsLetterOrDigit(text[position]))
            {
                position++;
            }

            if (position == text.Length)
            {
                break;
            }

            var word = FnvOffset;
            while (position < text.Length && char.IsLetterOrDigit(text[position]))
            {
                word = (word ^ char.ToLowerInvariant(text[position])) * FnvPrime;
                position++;
            }

            word = Mix(word);
            Add(vector, word, 1f);
            if (hasPrevious)
            {
                Add(vector, Mix((previous * 31) ^ word), BigramWeight);
            }

            previous = word;
            hasPrevious = true;
        }

        if (!hasPrevious)
        {
            // No words at all: a fixed feature keeps the vector a unit vector.
            Add(vector, Mix(FnvOffset), 1f);
        }

        var norm = MathF.Sqrt(TensorPrimitives.SumOfSquares(vector));
        if (norm == 0)
        {
            // Features cancelled each other out exactly; any fixed unit vector is as good as another.
            vector[0] = 1;
            return vector;
        }

        TensorPrimitives.Divide(vector, norm, vector);
        return vector;
    }

    private static void Add(float[] vector, ulong feature, float weight)
    {
        var index = (int)(feature % (ulong)vector.Length);
        vector[index] += (feature >> 63) == 0 ? weight : -weight;
    }

    /// <summary>A 64-bit finalizer (from MurmurHash3) so that every bit of the feature hash depends on every input bit.</summary>
    private static ulong Mix(ulong value)
    {
        value ^= value >> 33;
        value *= 0xFF51AFD7ED558CCDUL;
        value ^= value >> 33;
        value *= 0xC4CEB9FE1A85EC53UL;
        value ^= value >> 33;
        return value;
    }
}
