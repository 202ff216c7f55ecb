using DocPipeline.Indexing;
using Qdrant.Client.Grpc;

namespace DocPipeline.Qdrant.Indexing;

/// <summary>
/// Generations of the Qdrant index (<see cref="IVectorIndexGenerations"/>): each one a collection of its own,
/// <c>&lt;collection&gt;-&lt;generation&gt;</c> beside the configured one. Publishing a generation points the alias
/// <c>&lt;collection&gt;-serving</c> at its collection in one atomic alias update, for readers outside DocPipeline.
/// </summary>
internal sealed partial class QdrantVectorIndex : IVectorIndexGenerations
{
    /// <summary>What the alias adds to the configured collection name.</summary>
    internal const string ServingAliasSuffix = "-serving";

    /// <summary>The key the core registers the generation resolver under (VectorGenerationSelector.ServiceKey).</summary>
    private const string GenerationServiceKey = "DocPipeline.VectorGeneration";

    private readonly Lock _generationLock = new();
    private Func<string?>? _resolve;
    private string? _generation;
    private string? _collection;

    /// <summary>
    /// Initializes a new instance of the <see cref="QdrantVectorIndex"/> class over the collection of the generation this
    /// process serves after an embedder migration, resolved on first use (so that creating the index opens no store).
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="generation">Resolves the generation (registered by the core's <c>AddDocPipeline</c>).</param>
    public QdrantVectorIndex(QdrantConnection connection, [Microsoft.Extensions.DependencyInjection.FromKeyedServices(GenerationServiceKey)] Func<string?> generation)
        : this(connection)
    {
        ArgumentNullException.ThrowIfNull(generation);
        _resolve = generation;
    }

    private QdrantVectorIndex(QdrantConnection connection, string? generation)
        : this(connection)
    {
        _generation = generation;
        _collection = CollectionOf(connection.Options.CollectionName, generation);
    }

    /// <summary>Gets the collection this instance reads and writes.</summary>
    private string Collection
    {
        get
        {
            if (_collection is { } known)
            {
                return known;
            }

            lock (_generationLock)
            {
                if (_collection is null)
                {
                    _generation = _resolve?.Invoke();
                    _collection = CollectionOf(connection.Options.CollectionName, _generation);
                }

                return _collection;
            }
        }
    }

    /// <inheritdoc/>
    public string? Generation => Collection is not null ? _generation : null;

    /// <inheritdoc/>
    public IVectorIndex OpenGeneration(string? generation) => new QdrantVectorIndex(connection, generation);

    /// <inheritdoc/>
    public Task DeleteGenerationAsync(string? generation, CancellationToken cancellationToken = default)
    {
        if (string.Equals(generation, _generation, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The vector generation '{generation ?? "(original)"}' serves this process; it cannot be deleted.");
        }

        return new QdrantVectorIndex(connection, generation).ClearAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task PublishGenerationAsync(string? generation, CancellationToken cancellationToken = default)
    {
        var alias = connection.Options.CollectionName + ServingAliasSuffix;
        var collection = CollectionOf(connection.Options.CollectionName, generation);
        var aliases = await connection.CallAsync("list the aliases", (client, token) => client.ListAliasesAsync(cancellationToken: token), cancellationToken).ConfigureAwait(false);
        var actions = new List<AliasOperations>();
        if (aliases.Any(a => a.AliasName == alias))
        {
            actions.Add(new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = alias } });
        }

        actions.Add(new AliasOperations { CreateAlias = new CreateAlias { AliasName = alias, CollectionName = collection } });
        await connection.CallAsync("point the serving alias", (client, token) => client.UpdateAliasesAsync(actions, cancellationToken: token), cancellationToken).ConfigureAwait(false);
    }

    private static string CheckName(string generation) =>
        generation.Length is > 0 and <= 40 && generation.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? generation
            : throw new ArgumentException($"The vector generation name '{generation}' must be 1 to 40 letters, digits or dashes.", nameof(generation));

    private static string CollectionOf(string configured, string? generation) =>
        generation is null ? configured : configured + "-" + CheckName(generation);
}
