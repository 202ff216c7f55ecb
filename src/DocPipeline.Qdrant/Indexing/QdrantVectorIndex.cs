using DocPipeline.Indexing;
using Grpc.Core;
using Qdrant.Client.Grpc;

namespace DocPipeline.Qdrant.Indexing;

/// <summary>
/// The vector index in a Qdrant collection. A chunk is one point whose id is the version 5 UUID of its chunk id, with
/// the payload <c>chunk_id</c>, <c>doc_id</c> (keyword index), <c>version</c> (integer index) and <c>metadata</c>.
/// Writes go in batches of <see cref="QdrantVectorIndexOptions.UpsertBatchSize"/> points, deleting a document is one
/// filtered request, and nothing is read before it is written. The collection and its payload indexes are created on
/// first use when missing; a collection of another distance or vector size is refused.
/// </summary>
internal sealed partial class QdrantVectorIndex(QdrantConnection connection) : IVectorIndex
{
    internal const string ChunkIdField = "chunk_id";
    internal const string DocumentIdField = "doc_id";
    internal const string VersionField = "version";
    internal const string MetadataField = "metadata";

    private const uint ScrollPageSize = 1000;
    private const int DeleteBatchSize = 1000;
    private static readonly string[] EntryFields = [ChunkIdField, DocumentIdField, VersionField];

    private readonly SemaphoreSlim _collectionGate = new(1, 1);

    /// <summary>The vector size of the collection when it is known to exist, else <see langword="null"/>.</summary>
    private volatile CollectionState? _known;

    /// <inheritdoc/>
    public string Name => "vector";

    /// <inheritdoc/>
    public async Task UpsertAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        // Checked before anything is sent: a bad vector writes nothing of the batch. The collection's own size is
        // checked when it is first seen (EnsureCollectionAsync), once per process, not per write.
        var (batch, dimensions) = QdrantVectorBatch.Check(records, _known?.Dimensions ?? connection.Options.VectorSize);
        var points = new List<PointStruct>(Math.Min(batch.Count, connection.Options.UpsertBatchSize));
        for (var i = 0; i < batch.Count; i++)
        {
            points.Add(ToPoint(batch[i], batch[i].Vector.Span));
            if (points.Count == connection.Options.UpsertBatchSize || i == batch.Count - 1)
            {
                await WriteAsync(dimensions, points, cancellationToken).ConfigureAwait(false);
                points.Clear();
            }
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<IndexHit>> SearchAsync(ReadOnlyMemory<float> query, int topK, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        var known = _known ?? await FindCollectionAsync(cancellationToken).ConfigureAwait(false);
        if (known is null)
        {
            return [];
        }

        QdrantVectorBatch.CheckQuery(query.Span, known.Dimensions);
        var vector = query.ToArray();
        var points = await ReadAsync(
            "search the collection",
            (client, token) => client.QueryAsync(Collection, vector, limit: (ulong)topK, payloadSelector: EntryFields, cancellationToken: token),
            cancellationToken).ConfigureAwait(false);
        if (points is null)
        {
            return [];
        }

        var hits = new List<IndexHit>(points.Count);
        foreach (var point in points)
        {
            var entry = ToEntry(point.Payload);
            hits.Add(new IndexHit(entry.ChunkId, entry.DocumentId, entry.Version, point.Score));
        }

        return hits;
    }

    /// <inheritdoc/>
    public async Task DeleteChunksAsync(IReadOnlyCollection<string> chunkIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunkIds);
        foreach (var chunk in chunkIds.Distinct(StringComparer.Ordinal).Chunk(DeleteBatchSize))
        {
            var ids = chunk.Select(QdrantPointIds.ForChunk).ToList();
            await ReadAsync(
                "delete chunks",
                (client, token) => client.DeleteAsync(Collection, ids, wait: true, cancellationToken: token),
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task DeleteDocumentsAsync(IReadOnlyCollection<string> documentIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentIds);
        foreach (var chunk in documentIds.Distinct(StringComparer.Ordinal).Chunk(DeleteBatchSize))
        {
            var filter = new Filter { Must = { Conditions.Match(DocumentIdField, chunk) } };
            await ReadAsync(
                "delete documents",
                (client, token) => client.DeleteAsync(Collection, filter, wait: true, cancellationToken: token),
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<IndexEntry> ListEntriesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var point in ScrollAsync("list the collection's points", cancellationToken).ConfigureAwait(false))
        {
            yield return ToEntry(point.Payload);
        }
    }

    /// <summary>Streams every point with the entry fields of its payload, a page of <see cref="ScrollPageSize"/> at a time.</summary>
    private async IAsyncEnumerable<RetrievedPoint> ScrollAsync(string what, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        PointId? offset = null;
        do
        {
            var from = offset;
            var page = await ReadAsync(
                what,
                (client, token) => client.ScrollAsync(Collection, limit: ScrollPageSize, offset: from, payloadSelector: EntryFields, vectorsSelector: false, cancellationToken: token),
                cancellationToken).ConfigureAwait(false);
            if (page is null)
            {
                yield break;
            }

            foreach (var point in page.Result)
            {
                yield return point;
            }

            offset = page.NextPageOffset;
        }
        while (offset is not null);
    }

    /// <inheritdoc/>
    public async Task<IndexStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        var entries = await ReadAsync("count the collection's points", (client, token) => client.CountAsync(Collection, exact: true, cancellationToken: token), cancellationToken).ConfigureAwait(false);
        if (entries == 0)
        {
            return new IndexStatistics(0, 0, -1);
        }

        var documents = await CountDocumentsAsync(cancellationToken).ConfigureAwait(false);
        return new IndexStatistics((long)entries, documents, -1);
    }

    /// <inheritdoc/>
    public async Task ClearAsync(CancellationToken cancellationToken = default)
    {
        await _collectionGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _known = null;
            try
            {
                await connection.CallAsync("delete the collection", (client, token) => client.DeleteCollectionAsync(Collection, cancellationToken: token), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RpcException { StatusCode: StatusCode.NotFound } or DocPipelineStorageException { InnerException: global::Qdrant.Client.QdrantException })
            {
                // Qdrant answers "not deleted" (or NotFound) for a collection that does not exist: already clear.
                if (await DescribeAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    throw;
                }
            }
        }
        finally
        {
            _collectionGate.Release();
        }
    }

    private static PointStruct ToPoint(VectorRecord record, ReadOnlySpan<float> vector)
    {
        var point = new PointStruct
        {
            Id = QdrantPointIds.ForChunk(record.ChunkId),
            Vectors = vector.ToArray(),
            Payload =
            {
                [ChunkIdField] = record.ChunkId,
                [DocumentIdField] = record.DocumentId,
                [VersionField] = (long)record.Version,
            },
        };
        if (record.Metadata is { Count: > 0 } metadata)
        {
            point.Payload[MetadataField] = metadata.ToDictionary(p => p.Key, p => (Value)p.Value, StringComparer.Ordinal);
        }

        return point;
    }

    private static IndexEntry ToEntry(Google.Protobuf.Collections.MapField<string, Value> payload) =>
        new(payload[ChunkIdField].StringValue, payload[DocumentIdField].StringValue, checked((int)payload[VersionField].IntegerValue));

    /// <summary>Upserts one batch, creating the collection first when it is missing (or was cleared meanwhile).</summary>
    private async Task WriteAsync(int dimensions, List<PointStruct> points, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (_known is null)
            {
                await EnsureCollectionAsync(dimensions, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await connection.CallAsync("upsert points", (client, token) => client.UpsertAsync(Collection, points, wait: true, cancellationToken: token), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound && attempt == 0)
            {
                _known = null;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                throw new DocPipelineStorageException(connection.Describe("upsert points", ex), ex);
            }
        }
    }

    /// <summary>Runs a call on the collection; a missing collection answers <see langword="default"/> (an empty index).</summary>
    private async Task<T?> ReadAsync<T>(string what, Func<global::Qdrant.Client.QdrantClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.CallAsync(what, call, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            _known = null;
            return default;
        }
    }

    private async Task ReadAsync(string what, Func<global::Qdrant.Client.QdrantClient, CancellationToken, Task> call, CancellationToken cancellationToken) =>
        await ReadAsync(what, async (client, token) =>
        {
            await call(client, token).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>What this index knows of its collection once it has seen it.</summary>
    private sealed record CollectionState(int Dimensions);
}
