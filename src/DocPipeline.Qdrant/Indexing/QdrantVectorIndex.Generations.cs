using DocPipeline.Indexing;
using DocPipeline.Migration;
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

    private string? _generation;

    /// <summary>
    /// Initializes a new instance of the <see cref="QdrantVectorIndex"/> class over the collection of the generation this
    /// process serves after an embedder migration (see <see cref="VectorGenerationSelector"/>).
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="generations">Picks the generation.</param>
    public QdrantVectorIndex(QdrantConnection connection, VectorGenerationSelector generations)
        : this(connection, (generations ?? throw new ArgumentNullException(nameof(generations))).Resolve())
    {
    }

    private QdrantVectorIndex(QdrantConnection connection, string? generation)
        : this(connection)
    {
        _generation = generation;
        _collection = CollectionOf(connection.Options.CollectionName, generation);
    }

    /// <inheritdoc/>
    public string? Generation => _generation;

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

    private static string CollectionOf(string configured, string? generation) =>
        generation is null ? configured : configured + "-" + VectorGenerationSelector.CheckName(generation);
}
