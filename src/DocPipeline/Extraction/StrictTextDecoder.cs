using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace DocPipeline.Extraction;

/// <summary>
/// Decodes text content strictly, block by block: UTF-8 unless a byte order mark says UTF-16 or UTF-32, invalid
/// bytes are an error that names their offset (never replaced with U+FFFD), and content that looks like binary data
/// is refused. Line endings come out as <c>\n</c>.
/// </summary>
internal static class StrictTextDecoder
{
    /// <summary>The most characters one text document may hold (a string of 512 MB).</summary>
    internal const int MaxTextLength = 256 * 1024 * 1024;

    /// <summary>How many bytes are read at a time; the first block is also the one sniffed for binary data.</summary>
    internal const int BlockSize = 64 * 1024;

    /// <summary>More than one control character in this many (besides tab, line breaks, form feed and escape) means binary data.</summary>
    private const int ControlCharacterRatio = 10;

    /// <summary>The line endings besides <c>\n</c> that <see cref="string.ReplaceLineEndings(string)"/> rewrites.</summary>
    private static readonly SearchValues<char> OtherLineEndings = SearchValues.Create("\r\f\u0085\u2028\u2029");

    private static readonly Encoding Utf16LittleEndian = new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);
    private static readonly Encoding Utf16BigEndian = new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);
    private static readonly Encoding Utf32LittleEndian = new UTF32Encoding(bigEndian: false, byteOrderMark: false, throwOnInvalidCharacters: true);
    private static readonly Encoding Utf32BigEndian = new UTF32Encoding(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: true);

    /// <summary>Reads all of <paramref name="content"/> as text.</summary>
    /// <param name="content">The content, read once from its current position.</param>
    /// <param name="lengthHint">The content length in bytes, when known, to size the result once.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The text, with <c>\n</c> line endings and no trailing whitespace; empty for empty content.</returns>
    /// <exception cref="DocumentExtractionException">The content is binary data or is not valid in its encoding.</exception>
    public static Task<string> ReadToEndAsync(Stream content, long? lengthHint, CancellationToken cancellationToken) =>
        ReadToEndAsync(content, lengthHint, maxTextBytes: null, trimStart: false, cancellationToken);

    /// <summary>Reads all of <paramref name="content"/> as text, stopping as soon as it holds more than <paramref name="maxTextBytes"/>.</summary>
    /// <param name="content">The content, read once from its current position.</param>
    /// <param name="lengthHint">The content length in bytes, when known, to size the result once.</param>
    /// <param name="maxTextBytes">The most text, in UTF-8 bytes, to accept (<see cref="ExtractionContext.MaxTextBytes"/>), or <see langword="null"/>.</param>
    /// <param name="trimStart">Whether to drop leading whitespace as well.</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The text, with <c>\n</c> line endings and no trailing whitespace; empty for empty content.</returns>
    /// <exception cref="DocumentExtractionException">The content is binary data, is not valid in its encoding, or is larger than the limit.</exception>
    public static async Task<string> ReadToEndAsync(Stream content, long? lengthHint, long? maxTextBytes, bool trimStart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var bytes = ArrayPool<byte>.Shared.Rent(BlockSize);
        var chars = ArrayPool<char>.Shared.Rent(BlockSize);
        try
        {
            var count = await content.ReadAtLeastAsync(bytes.AsMemory(0, BlockSize), BlockSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                return string.Empty;
            }

            var (encoding, bomLength) = DetectEncoding(bytes.AsSpan(0, count));
            // Decoded into one buffer sized from the length (UTF-8 never gives more characters than bytes, UTF-16 and
            // UTF-32 half as many at most): a large text is not built from thousands of small chunks that each survive
            // into the oldest generation.
            var capacity = encoding is null ? lengthHint ?? count : ((lengthHint ?? count) / 2) + 2;
            using var text = new TextBuffer((int)Math.Clamp(capacity, 16, Math.Min(MaxTextLength, (maxTextBytes ?? MaxTextLength) + BlockSize)));
            var reader = new BlockReader(content, bytes, chars, count, bomLength, text, maxTextBytes);
            if (encoding is null)
            {
                RejectBinary<byte>(bytes.AsSpan(0, count));
                await reader.DecodeUtf8Async(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await reader.DecodeAsync(encoding, cancellationToken).ConfigureAwait(false);
            }

            // Trimmed here, in the buffer: trimming (or rewriting line endings in) the string would copy all of it again.
            var decoded = text.Span.TrimEnd();
            return new string(trimStart ? decoded.TrimStart() : decoded);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Throws when the first block of content (bytes, or characters for UTF-16/32) looks like binary data.</summary>
    /// <typeparam name="T">A code unit: <see cref="byte"/> or <see cref="char"/>.</typeparam>
    /// <param name="units">The first block; offsets in the message count from its start.</param>
    /// <exception cref="DocumentExtractionException">The block holds a NUL or mostly control characters.</exception>
    internal static void RejectBinary<T>(ReadOnlySpan<T> units)
        where T : unmanaged, IBinaryInteger<T>
    {
        var nul = units.IndexOf(T.Zero);
        if (nul >= 0)
        {
            var unit = typeof(T) == typeof(byte) ? "byte" : "character";
            throw BinaryData(string.Create(CultureInfo.InvariantCulture, $"it has a NUL {unit} at {unit} offset {nul}{Utf16Hint(units)}"));
        }

        var controls = 0;
        foreach (var unit in units)
        {
            if (IsControl(int.CreateTruncating(unit)))
            {
                controls++;
            }
        }

        if (controls * ControlCharacterRatio > units.Length)
        {
            throw BinaryData(string.Create(CultureInfo.InvariantCulture, $"{controls} of its first {units.Length} {(typeof(T) == typeof(byte) ? "bytes" : "characters")} are control characters"));
        }
    }

    private static bool IsControl(int unit) => unit < 0x20 && unit is not ('\t' or '\n' or '\r' or '\f' or '\v' or 0x1B);

    private static string Utf16Hint<T>(ReadOnlySpan<T> units)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) != typeof(byte) || units.Length < 2)
        {
            return string.Empty;
        }

        int even = 0, odd = 0;
        for (var i = 0; i < units.Length; i++)
        {
            if (units[i] != T.Zero)
            {
                continue;
            }

            if (i % 2 == 0)
            {
                even++;
            }
            else
            {
                odd++;
            }
        }

        // Latin text in UTF-16 has a NUL in every other byte, all on the same side.
        var half = units.Length / 2;
        return (even * 10 >= half * 9 && odd == 0) || (odd * 10 >= half * 9 && even == 0)
            ? "; it may be UTF-16 text without a byte order mark: save it as UTF-8, or as UTF-16 with a byte order mark"
            : string.Empty;
    }

    private static DocumentExtractionException BinaryData(string why) =>
        new($"This file looks like binary data, not text ({why}).");

    internal static (Encoding? Encoding, int BomLength) DetectEncoding(ReadOnlySpan<byte> start) => start switch
    {
        [0xEF, 0xBB, 0xBF, ..] => (null, 3),
        [0xFF, 0xFE, 0x00, 0x00, ..] => (Utf32LittleEndian, 4),
        [0x00, 0x00, 0xFE, 0xFF, ..] => (Utf32BigEndian, 4),
        [0xFF, 0xFE, ..] => (Utf16LittleEndian, 2),
        [0xFE, 0xFF, ..] => (Utf16BigEndian, 2),
        _ => (null, 0),
    };

    /// <summary>The state of one decoding pass: the buffers, how far the content has been read, and the text so far.</summary>
    private sealed class BlockReader(Stream content, byte[] bytes, char[] chars, int count, int start, TextBuffer text, long? maxTextBytes)
    {
        private int _count = count;
        private int _start = start;
        private long _offset;
        private bool _endOfContent = count < BlockSize;
        private bool _afterCarriageReturn;

        public async Task DecodeUtf8Async(CancellationToken cancellationToken)
        {
            while (true)
            {
                var pending = bytes.AsSpan(_start, _count - _start);
                var nul = pending.IndexOf((byte)0);
                if (nul >= 0)
                {
                    throw BinaryData(string.Create(CultureInfo.InvariantCulture, $"it has a NUL byte at byte offset {_offset + _start + nul}"));
                }

                var status = Utf8.ToUtf16(pending, chars, out var read, out var written, replaceInvalidSequences: false, isFinalBlock: _endOfContent);
                Append(written);
                _start += read;
                switch (status)
                {
                    case System.Buffers.OperationStatus.InvalidData:
                        throw InvalidUtf8();
                    case System.Buffers.OperationStatus.DestinationTooSmall:
                        continue;
                    case System.Buffers.OperationStatus.Done when _endOfContent:
                        return;
                }

                await ReadNextBlockAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task DecodeAsync(Encoding encoding, CancellationToken cancellationToken)
        {
            var decoder = encoding.GetDecoder();
            var first = true;
            while (true)
            {
                int written;
                try
                {
                    decoder.Convert(bytes.AsSpan(_start, _count - _start), chars, _endOfContent, out _, out written, out _);
                }
                catch (DecoderFallbackException ex)
                {
                    var offset = _offset + _start + Math.Max(0, ex.Index);
                    throw new DocumentExtractionException(
                        string.Create(CultureInfo.InvariantCulture, $"This file is not valid {encoding.WebName} text: the bytes at byte offset {offset} are not a valid character."),
                        ex);
                }

                if (first)
                {
                    RejectBinary<char>(chars.AsSpan(0, written));
                    first = false;
                }
                else if (chars.AsSpan(0, written).Contains('\0'))
                {
                    throw BinaryData("it has a NUL character after its first block");
                }

                Append(written);
                _start = _count;
                if (_endOfContent)
                {
                    return;
                }

                await ReadNextBlockAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private void Append(int written)
        {
            written = NormalizeLineEndings(chars.AsSpan(0, written));

            // Every UTF-16 code unit takes at least one UTF-8 byte: more characters than the limit is more bytes too.
            if (text.Length + written > maxTextBytes)
            {
                throw DocumentLimitFault.TextTooLarge(maxTextBytes.Value);
            }

            if (text.Length + written > MaxTextLength)
            {
                throw new DocumentExtractionException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"This file holds more than {MaxTextLength / (1024 * 1024)} million characters of text, more than DocPipeline reads from one document; split it into smaller files."));
            }

            text.Append(chars.AsSpan(0, written));
        }

        /// <summary>
        /// Rewrites the line endings of a decoded block in place as <see cref="string.ReplaceLineEndings(string)"/> does
        /// (CR, CRLF, FF, NEL, LS, PS become LF), a CRLF split between two blocks included.
        /// </summary>
        /// <returns>The length of the block after the rewrite.</returns>
        private int NormalizeLineEndings(Span<char> block)
        {
            if (!_afterCarriageReturn && !block.ContainsAny(OtherLineEndings))
            {
                return block.Length;
            }

            var length = 0;
            foreach (var c in block)
            {
                if (c == '\n' && _afterCarriageReturn)
                {
                    _afterCarriageReturn = false;
                    continue;
                }

                _afterCarriageReturn = c == '\r';
                block[length++] = c is '\r' or '\f' or '\u0085' or '\u2028' or '\u2029' ? '\n' : c;
            }

            return length;
        }

        /// <summary>Keeps the bytes not decoded yet (part of a character) and fills the rest of the buffer.</summary>
        private async Task ReadNextBlockAsync(CancellationToken cancellationToken)
        {
            var kept = _count - _start;
            bytes.AsSpan(_start, kept).CopyTo(bytes);
            _offset += _start;
            _start = 0;
            var wanted = BlockSize - kept;
            var read = await content.ReadAtLeastAsync(bytes.AsMemory(kept, wanted), wanted, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            _count = kept + read;
            _endOfContent = read < wanted;
        }

        private DocumentExtractionException InvalidUtf8()
        {
            var offset = _offset + _start;
            var why = _endOfContent && _count - _start < 4 && Rune.DecodeFromUtf8(bytes.AsSpan(_start, _count - _start), out _, out _) == System.Buffers.OperationStatus.NeedMoreData
                ? $"the file ends in the middle of a character (byte offset {offset})"
                : $"byte 0x{bytes[_start]:X2} at byte offset {offset} is not valid UTF-8";
            return new DocumentExtractionException(string.Create(
                CultureInfo.InvariantCulture,
                $"This file is not valid UTF-8 text: {why}. Save it as UTF-8 (or UTF-16 with a byte order mark)."));
        }
    }

    /// <summary>
    /// The decoded text, in native memory that grows by doubling when the length it was sized for was short. It is
    /// freed the moment the string is made: a 200 MB text is held twice only for that moment, and its buffer never
    /// waits in the managed heap for a full collection.
    /// </summary>
    private sealed unsafe class TextBuffer : IDisposable
    {
        private char* _chars;
        private int _capacity;

        public TextBuffer(int capacity)
        {
            _chars = (char*)NativeMemory.Alloc((nuint)capacity, sizeof(char));
            _capacity = capacity;
        }

        public int Length { get; private set; }

        public ReadOnlySpan<char> Span => new(_chars, Length);

        public void Append(ReadOnlySpan<char> chars)
        {
            if (Length + chars.Length > _capacity)
            {
                var capacity = (int)Math.Min(Array.MaxLength, Math.Max((long)_capacity * 2, Length + chars.Length));
                _chars = (char*)NativeMemory.Realloc(_chars, (nuint)capacity * sizeof(char));
                _capacity = capacity;
            }

            chars.CopyTo(new Span<char>(_chars + Length, _capacity - Length));
            Length += chars.Length;
        }

        public void Dispose()
        {
            NativeMemory.Free(_chars);
            _chars = null;
            _capacity = 0;
            Length = 0;
        }
    }
}
