using System.Buffers;
using System.Security.Cryptography;

namespace DocPipeline.Fingerprints;

/// <summary>SHA-256 of content, streamed through one pooled buffer so that no file is ever held in memory whole.</summary>
internal static class ContentHasher
{
    /// <summary>The read size: large enough that per-read overhead is lost in hashing time, small enough to stay in cache.</summary>
    public const int BufferSize = 128 * 1024;

    /// <summary>Hashes a stream from its current position to its end with blocking reads.</summary>
    /// <remarks>
    /// For files. .NET has no asynchronous file reads on Unix: <c>ReadAsync</c> queues the same blocking
    /// <c>pread</c> to the thread pool, one hop per block. Called from a thread-pool worker (as the fingerprinter
    /// does), reading synchronously does the same work without the hops.
    /// </remarks>
    /// <param name="stream">The stream; it is read, not disposed.</param>
    /// <param name="cancellationToken">A token to cancel between blocks.</param>
    /// <returns>The SHA-256 of the bytes read, as lower-case hex.</returns>
    public static string Hash(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var state = new State();
        int read;
        while ((read = stream.Read(state.Buffer, 0, BufferSize)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            state.Append(read);
        }

        return state.Finish();
    }

    /// <summary>Hashes a stream from its current position to its end with asynchronous reads (for network or pipe streams).</summary>
    /// <param name="stream">The stream; it is read, not disposed.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The SHA-256 of the bytes read, as lower-case hex.</returns>
    public static async ValueTask<string> HashAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var state = new State();
        int read;
        while ((read = await stream.ReadAsync(state.Buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
        {
            state.Append(read);
        }

        return state.Finish();
    }

    /// <summary>Hashes bytes already in memory.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The SHA-256 of <paramref name="bytes"/>, as lower-case hex.</returns>
    public static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The incremental hash and the pooled buffer of one hashing.</summary>
    private sealed class State : IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public byte[] Buffer { get; } = ArrayPool<byte>.Shared.Rent(BufferSize);

        public void Append(int count) => _hash.AppendData(Buffer, 0, count);

        public string Finish()
        {
            var written = _hash.GetHashAndReset(Buffer);
            return Convert.ToHexStringLower(Buffer, 0, written);
        }

        public void Dispose()
        {
            _hash.Dispose();
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}
