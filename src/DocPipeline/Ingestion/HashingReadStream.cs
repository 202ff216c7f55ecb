using System.Buffers;
using System.Security.Cryptography;

namespace DocPipeline.Ingestion;

/// <summary>
/// A read-only pass-through that hashes every byte read, so a document is read once for both its text and its
/// SHA-256: the hash recorded is the hash of exactly the bytes that were indexed.
/// </summary>
internal sealed class HashingReadStream(Stream inner) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => throw new NotSupportedException("A hashing stream reads forward only.");
    }

    /// <summary>Reads what the consumer left unread, then returns the SHA-256 of the whole content as lower-case hex.</summary>
    public async Task<string> FinishAsync(CancellationToken cancellationToken)
    {
        // Usually nothing is left (extractors read to the end): a pooled buffer, not 80 KB of garbage per document.
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        _hash.AppendData(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _hash.AppendData(buffer.Span[..read]);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A hashing stream reads forward only.");

    public override void SetLength(long value) => throw new NotSupportedException("A hashing stream is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A hashing stream is read-only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
