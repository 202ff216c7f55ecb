using System.Globalization;
using Grpc.Core;
using Qdrant.Client.Grpc;

namespace DocPipeline.Qdrant.Indexing;

/// <summary>The collection: found, checked against the options, created with its payload indexes when missing.</summary>
internal sealed partial class QdrantVectorIndex
{
    /// <summary>The most distinct documents a statistics call counts exactly; beyond it the count is reported as unknown (-1).</summary>
    internal const int MaxCountedDocuments = 10_000;

    /// <summary>Reads the collection's settings and checks them; <see langword="null"/> when the collection does not exist.</summary>
    internal async Task<CollectionInfo?> DescribeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await connection.CallAsync("read the collection", (client, token) => client.GetCollectionInfoAsync(Collection, token), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Checks an existing collection and returns its state, or <see langword="null"/> when there is none yet.</summary>
    private async Task<CollectionState?> FindCollectionAsync(CancellationToken cancellationToken)
    {
        var info = await DescribeAsync(cancellationToken).ConfigureAwait(false);
        if (info is null)
        {
            return null;
        }

        var state = new CollectionState(CheckSettings(info));
        _known = state;
        return state;
    }

    private async Task EnsureCollectionAsync(int dimensions, CancellationToken cancellationToken)
    {
        await _collectionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_known is not null)
            {
                return;
            }

            var info = await DescribeAsync(cancellationToken).ConfigureAwait(false);
            if (info is null)
            {
                try
                {
                    await connection.CallAsync("create the collection", (client, token) => client.CreateCollectionAsync(Collection, VectorParams(dimensions), cancellationToken: token), cancellationToken).ConfigureAwait(false);
                }
                catch (DocPipelineStorageException ex) when (ex.InnerException is RpcException { StatusCode: StatusCode.AlreadyExists })
                {
                    // Another worker created it first; its settings are checked below like any existing collection's.
                }

                info = await DescribeAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new DocPipelineStorageException($"Qdrant at {connection.Endpoint} did not keep the collection '{Collection}' it was asked to create.");
            }

            var size = CheckSettings(info);
            if (size != dimensions)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The vectors written have {dimensions} dimensions, but the Qdrant collection '{Collection}' holds vectors of {size} dimensions. Every vector of one index must come from the same embedding model; clear the index (docpipe manage --rebuild-index vector) to change models."),
                    "records");
            }

            await EnsurePayloadIndexAsync(info, DocumentIdField, PayloadSchemaType.Keyword, cancellationToken).ConfigureAwait(false);
            await EnsurePayloadIndexAsync(info, VersionField, PayloadSchemaType.Integer, cancellationToken).ConfigureAwait(false);
            _known = new CollectionState(size);
        }
        finally
        {
            _collectionGate.Release();
        }
    }

    private async Task EnsurePayloadIndexAsync(CollectionInfo info, string field, PayloadSchemaType type, CancellationToken cancellationToken)
    {
        if (info.PayloadSchema.TryGetValue(field, out var existing) && existing.DataType == type)
        {
            return;
        }

        await connection.CallAsync(
            $"create the payload index of '{field}'",
            (client, token) => client.CreatePayloadIndexAsync(Collection, field, type, wait: true, cancellationToken: token),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The vector size of a collection this index can use; throws when its distance, vectors or size do not fit.</summary>
    private int CheckSettings(CollectionInfo info)
    {
        var vectors = info.Config?.Params?.VectorsConfig;
        if (vectors?.Params is not { } parameters)
        {
            throw new DocPipelineStorageException(
                $"The Qdrant collection '{Collection}' at {connection.Endpoint} has named vectors or none; DocPipeline needs one unnamed cosine vector per point. Use another collection (DocPipeline:Qdrant:CollectionName).");
        }

        if (parameters.Distance != Distance.Cosine)
        {
            throw new DocPipelineStorageException(
                $"The Qdrant collection '{Collection}' at {connection.Endpoint} uses the {parameters.Distance} distance; DocPipeline scores by cosine similarity. Use another collection (DocPipeline:Qdrant:CollectionName).");
        }

        var size = checked((int)parameters.Size);
        if (connection.Options.VectorSize is { } expected && expected != size)
        {
            throw new DocPipelineStorageException(string.Create(
                CultureInfo.InvariantCulture,
                $"The Qdrant collection '{Collection}' at {connection.Endpoint} holds vectors of {size} dimensions, and the embedder writes {expected} (DocPipeline:Qdrant:VectorSize). Use another collection, or rebuild this one (docpipe manage --rebuild-index vector)."));
        }

        return size;
    }

    private VectorParams VectorParams(int dimensions)
    {
        var options = connection.Options;
        var parameters = new VectorParams { Size = (ulong)dimensions, Distance = Distance.Cosine };
        if (options.HnswM is not null || options.HnswEfConstruct is not null)
        {
            parameters.HnswConfig = new HnswConfigDiff();
            if (options.HnswM is { } m)
            {
                parameters.HnswConfig.M = (ulong)m;
            }

            if (options.HnswEfConstruct is { } ef)
            {
                parameters.HnswConfig.EfConstruct = (ulong)ef;
            }
        }

        if (options.Memory != QdrantMemory.Default)
        {
            parameters.Memory = options.Memory switch
            {
                QdrantMemory.Cold => Memory.Cold,
                QdrantMemory.Cached => Memory.Cached,
                _ => Memory.Pinned,
            };
        }

        return parameters;
    }

    /// <summary>The distinct documents, counted by the server from the <c>doc_id</c> keyword index (a facet); -1 beyond <see cref="MaxCountedDocuments"/>.</summary>
    private async Task<long> CountDocumentsAsync(CancellationToken cancellationToken)
    {
        var hits = await ReadAsync(
            "count the collection's documents",
            (client, token) => client.FacetAsync(Collection, DocumentIdField, limit: MaxCountedDocuments + 1, exact: true, cancellationToken: token),
            cancellationToken).ConfigureAwait(false);
        return hits is null ? 0 : hits.Hits.Count > MaxCountedDocuments ? -1 : hits.Hits.Count;
    }
}
