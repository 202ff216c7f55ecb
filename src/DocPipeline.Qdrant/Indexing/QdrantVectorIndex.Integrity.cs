using Qdrant.Client.Grpc;

namespace DocPipeline.Qdrant.Indexing;

/// <summary>The deep integrity scan: every point's payload and id.</summary>
internal sealed partial class QdrantVectorIndex
{
    /// <summary>Scrolls every point and counts those whose payload lacks an entry field or whose id is not its chunk id's UUID.</summary>
    internal async Task<(long Count, string? First)> CountDamagedPointsAsync(CancellationToken cancellationToken)
    {
        long count = 0;
        string? first = null;
        await foreach (var point in ScrollAsync("scan the collection's points", cancellationToken).ConfigureAwait(false))
        {
            if (!IsIntact(point))
            {
                count++;
                first ??= point.Id.HasUuid ? point.Id.Uuid : point.Id.Num.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return (count, first);
    }

    private static bool IsIntact(RetrievedPoint point) =>
        point.Payload.TryGetValue(ChunkIdField, out var chunk) && chunk.HasStringValue
        && point.Payload.TryGetValue(DocumentIdField, out var document) && document.HasStringValue
        && point.Payload.TryGetValue(VersionField, out var version) && version.HasIntegerValue
        && point.Id.HasUuid
        && Guid.TryParse(point.Id.Uuid, out var id) && id == QdrantPointIds.ForChunk(chunk.StringValue);
}
