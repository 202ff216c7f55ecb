using System.Runtime.InteropServices;

namespace DocPipeline.Registry;

/// <summary>Converts embeddings to and from the little-endian float32 blobs the stores keep.</summary>
internal static class EmbeddingBlob
{
    public static byte[] ToBytes(ReadOnlyMemory<float> vector) => MemoryMarshal.AsBytes(vector.Span).ToArray();

    public static float[] FromBytes(byte[] blob)
    {
        if (blob.Length % sizeof(float) != 0)
        {
            throw new DocPipelineStorageException($"A stored embedding has {blob.Length} bytes, not a whole number of floats; the registry is damaged.");
        }

        return MemoryMarshal.Cast<byte, float>(blob).ToArray();
    }
}
