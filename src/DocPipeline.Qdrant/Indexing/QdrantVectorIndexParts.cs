using DocPipeline.Consistency;
using DocPipeline.Indexing;
using DocPipeline.Maintenance;
using Microsoft.Extensions.DependencyInjection;
using Qdrant.Client.Grpc;

namespace DocPipeline.Qdrant.Indexing;

/// <summary>
/// The Qdrant collection's part in backups, verify and health. A backup does not copy it: the registry keeps every
/// chunk's embedding, so <c>rebuild vector</c> writes the collection back from a restored registry without calling
/// the embedder, and Qdrant's own snapshots cannot be downloaded over gRPC. Verify checks the collection's settings
/// and, when deep, every point's payload and id.
/// </summary>
internal sealed class QdrantVectorIndexParts(IServiceProvider services, QdrantConnection connection) : IStoreBackup, IStoreIntegrity, IStoreHealth
{
    /// <inheritdoc/>
    public string Name => "qdrant";

    /// <inheritdoc/>
    public bool IsInUse => Index is not null;

    private QdrantVectorIndex? Index => services.GetService<IVectorIndex>() as QdrantVectorIndex;

    /// <inheritdoc/>
    public Task<StoreBackupPart> BackupAsync(string destination, CancellationToken cancellationToken = default) =>
        Task.FromResult(StoreBackupPart.NotWritten(
            $"the vector index is the Qdrant collection '{connection.Options.CollectionName}' at {connection.Endpoint}, a projection of the registry, which keeps every chunk's embedding: after a restore, 'docpipe manage --rebuild-index vector' writes it back without calling the embedder (Qdrant's own snapshots are taken on the server: POST /collections/{connection.Options.CollectionName}/snapshots)"));

    /// <inheritdoc/>
    public async Task<StoreIntegrity?> CheckIntegrityAsync(bool deep, CancellationToken cancellationToken = default)
    {
        if (Index is not { } index)
        {
            return null;
        }

        var check = deep
            ? "collection settings (one cosine vector, payload indexes), every point's payload and id"
            : "collection settings (one cosine vector, payload indexes)";
        string? error;
        try
        {
            error = await CheckAsync(index, deep, cancellationToken).ConfigureAwait(false);
        }
        catch (DocPipelineStorageException ex)
        {
            error = ex.Message;
        }

        return new StoreIntegrity { Name = Name, Check = check, Error = error };
    }

    /// <inheritdoc/>
    public async Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        if (Index is not { } index)
        {
            return StoreHealth.Healthy;
        }

        try
        {
            await index.DescribeAsync(cancellationToken).ConfigureAwait(false);
            return StoreHealth.Healthy;
        }
        catch (DocPipelineStorageException ex)
        {
            return new StoreHealth(StoreHealthState.Unavailable, ex.Message);
        }
    }

    private async Task<string?> CheckAsync(QdrantVectorIndex index, bool deep, CancellationToken cancellationToken)
    {
        var info = await index.DescribeAsync(cancellationToken).ConfigureAwait(false);
        if (info is null)
        {
            return null;
        }

        var problems = new List<string>();
        if (info.Config?.Params?.VectorsConfig?.Params is not { Distance: Distance.Cosine })
        {
            problems.Add("The collection does not hold one unnamed cosine vector per point.");
        }

        foreach (var (field, type) in new[] { (QdrantVectorIndex.DocumentIdField, PayloadSchemaType.Keyword), (QdrantVectorIndex.VersionField, PayloadSchemaType.Integer) })
        {
            if (!info.PayloadSchema.TryGetValue(field, out var schema) || schema.DataType != type)
            {
                problems.Add($"The payload field '{field}' has no {type} index; deletes by document scan the whole collection.");
            }
        }

        if (deep)
        {
            var bad = await index.CountDamagedPointsAsync(cancellationToken).ConfigureAwait(false);
            if (bad.Count > 0)
            {
                problems.Add($"{bad.Count} points have a payload without chunk_id, doc_id or version, or an id that is not the one of their chunk id (first: {bad.First}).");
            }
        }

        return problems.Count == 0 ? null : string.Join(" ", problems);
    }
}
