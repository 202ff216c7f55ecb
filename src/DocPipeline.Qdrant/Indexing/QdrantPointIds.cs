using System.Security.Cryptography;
using System.Text;

namespace DocPipeline.Qdrant.Indexing;

/// <summary>
/// Point ids of chunks: a name-based UUID (RFC 9562 version 5, SHA-1) of the chunk id in DocPipeline's own namespace.
/// The same chunk id always gives the same point, so upserts and deletes by chunk id need no lookup.
/// </summary>
internal static class QdrantPointIds
{
    /// <summary>The namespace of chunk ids: the version 5 UUID of the URL <c>urn:docpipeline:chunk</c>.</summary>
    public static readonly Guid ChunkNamespace = new("7b1bffaa-cd74-56c7-9bac-3791c20912f8");

    /// <summary>The point id of a chunk.</summary>
    public static Guid ForChunk(string chunkId) => NameBased(ChunkNamespace, chunkId);

    /// <summary>The version 5 UUID of <paramref name="name"/> (UTF-8) in <paramref name="namespaceId"/>.</summary>
    public static Guid NameBased(Guid namespaceId, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        namespaceId.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 names for version 5 UUIDs; it is an identifier, not a security check.
        SHA1.HashData(input, hash);
#pragma warning restore CA5350
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
