using System.Globalization;
using System.IO.Compression;

namespace DocPipeline.Extraction;

/// <summary>
/// The decompressed content of a gzip-compressed document, bounded: more than <c>DocPipeline:Limits:MaxDecompressedBytes</c>
/// bytes, or data that is not valid gzip, fails the document with a reason that says which. The compressed stream is
/// left open for its owner (which hashes the stored bytes).
/// </summary>
internal sealed class GzipContentStream : Stream
{
    private readonly TailStream _tail;
    private readonly GZipStream _gzip;
    private readonly long _limit;
    private long _decompressed;

    /// <summary>Initializes a new instance of the <see cref="GzipContentStream"/> class.</summary>
    /// <param name="compressed">The gzip-compressed content, read forward once and left open.</param>
    /// <param name="limit">The most bytes that may be decompressed.</param>
    public GzipContentStream(Stream compressed, long limit)
    {
        _tail = new TailStream(compressed);
        _gzip = new GZipStream(_tail, CompressionMode.Decompress, leaveOpen: true);
        _limit = limit;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("The decompressed length is not known before the end.");

    public override long Position
    {
        get => _decompressed;
        set => throw new NotSupportedException("Decompressed content reads forward only.");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = _gzip.Read(buffer);
        }
        catch (InvalidDataException ex)
        {
            throw Corrupt(ex);
        }

        return Count(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await _gzip.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw Corrupt(ex);
        }

        return Count(read);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("Decompressed content reads forward only.");

    public override void SetLength(long value) => throw new NotSupportedException("Decompressed content is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Decompressed content is read-only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// GZipStream ends quietly where truncated data ends. A gzip member ends with the size of its data modulo 2^32:
    /// a size larger than all that was decompressed cannot be the end of a member, so the data was cut short. (A
    /// smaller size is the last of several concatenated members.)
    /// </summary>
    private void CheckComplete()
    {
        if (_tail.Last4 is { } size && size > (uint)_decompressed && _decompressed < uint.MaxValue)
        {
            throw new DocumentExtractionException(string.Create(
                CultureInfo.InvariantCulture,
                $"This file is not valid gzip data: it ends before the end of its compressed data (truncated after {_decompressed:N0} decompressed bytes)."));
        }
    }

    private static DocumentExtractionException Corrupt(InvalidDataException exception) =>
        new($"This file is not valid gzip data, so it cannot be decompressed ({exception.Message.TrimEnd('.')}).", exception);

    private int Count(int read)
    {
        if (read == 0)
        {
            CheckComplete();
        }

        _decompressed += read;
        if (_decompressed > _limit)
        {
            throw DocumentLimitFault.DecompressesTooLarge(_limit);
        }

        return read;
    }

    /// <summary>Passes reads through and remembers the last four bytes read: the end of the last gzip member.</summary>
    private sealed class TailStream(Stream inner) : Stream
    {
        private readonly byte[] _last = new byte[4];
        private long _total;

        /// <summary>Gets the last four bytes read as a little-endian number, or <see langword="null"/> before four were read.</summary>
        public uint? Last4 => _total < 4 ? null : System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(_last);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _total;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer) => Remember(buffer[..inner.Read(buffer)]);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return Remember(buffer.Span[..read]);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Remember(ReadOnlySpan<byte> read)
        {
            if (read.Length >= 4)
            {
                read[^4..].CopyTo(_last);
            }
            else if (read.Length > 0)
            {
                // Shift the kept bytes left and append the few new ones.
                _last.AsSpan(read.Length).CopyTo(_last);
                read.CopyTo(_last.AsSpan(4 - read.Length));
            }

            _total += read.Length;
            return read.Length;
        }
    }
}
