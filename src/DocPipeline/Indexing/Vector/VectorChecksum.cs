using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace DocPipeline.Indexing.Vector;

/// <summary>
/// The checks of a stored vector: a CRC-32C of its bytes, kept in the catalog row written with it, and the cheaper
/// test that it is still a finite unit vector (every stored vector is normalized; random bytes are not).
/// </summary>
internal static class VectorChecksum
{
    /// <summary>How far the squared length of a stored vector may be from 1 (float rounding is about 1e-6).</summary>
    private const float UnitTolerance = 1e-3f;

    /// <summary>Computes the CRC-32C of the vector's bytes (hardware-accelerated where the CPU has it).</summary>
    public static uint Of(ReadOnlySpan<float> vector)
    {
        var words = MemoryMarshal.Cast<float, uint>(vector);
        var crc = uint.MaxValue;
        var i = 0;
        for (; i + 1 < words.Length; i += 2)
        {
            crc = BitOperations.Crc32C(crc, ((ulong)words[i + 1] << 32) | words[i]);
        }

        if (i < words.Length)
        {
            crc = BitOperations.Crc32C(crc, words[i]);
        }

        return ~crc;
    }

    /// <summary>Whether every component is finite and the vector has unit length.</summary>
    public static bool IsUnit(ReadOnlySpan<float> vector)
    {
        // NaN and infinity propagate into the sum, and fail the comparison.
        var squared = TensorPrimitives.SumOfSquares(vector);
        return MathF.Abs(squared - 1f) <= UnitTolerance;
    }
}
