using System.Buffers;
using System.Security.Cryptography;

namespace DocPipeline.Fingerprints;

/// <summary>SHA-256 of content, streamed through one pooled buffer so that no file is ever held in memory whole.</summary>
internal static class ContentHasher
{
    /// <summary>The read size: large enough that per-read overhead is lost in hashing time, small enough to stay in cache.</summary>
    public const int BufferSize = 128 * 1024;

    /// <summary>Hashes a stream from its current position to its end.</summary>
    /// <param name="stream">The stream; it is read, not disposed.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The SHA-256 of the bytes read, as lower-case hex.</returns>
    public static async ValueTask<string> HashAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            var written = hash.GetHashAndReset(buffer);
            return Convert.ToHexStringLower(buffer, 0, written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hashes bytes already in memory.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The SHA-256 of <paramref name="bytes"/>, as lower-case hex.</returns>
    public static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
