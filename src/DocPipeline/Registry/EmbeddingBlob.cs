using System.Runtime.InteropServices;

namespace DocPipeline.Registry;

/// <summary>
/// Converts embeddings to and from the little-endian float32 blobs the stores keep, so that every registry stores
/// vectors in the same form.
/// </summary>
public static class EmbeddingBlob
{
    /// <summary>Writes a vector as its float32 values, in the machine's (little-endian) byte order.</summary>
    /// <param name="vector">The vector.</param>
    /// <returns>A new array of 4 bytes per value.</returns>
    public static byte[] ToBytes(ReadOnlyMemory<float> vector) => MemoryMarshal.AsBytes(vector.Span).ToArray();

    /// <summary>Reads a vector written by <see cref="ToBytes"/>.</summary>
    /// <param name="blob">The stored bytes.</param>
    /// <returns>A new array of the vector's values.</returns>
    /// <exception cref="DocPipelineStorageException">The blob is not a whole number of floats: the store is damaged.</exception>
    public static float[] FromBytes(byte[] blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (blob.Length % sizeof(float) != 0)
        {
            throw new DocPipelineStorageException($"A stored embedding has {blob.Length} bytes, not a whole number of floats; the registry is damaged.");
        }

        return MemoryMarshal.Cast<byte, float>(blob).ToArray();
    }
}
