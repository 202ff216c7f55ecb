using System.Buffers;
using System.IO.Compression;
using System.Text;
using System.Text.Unicode;
using DocPipeline.Sources;

namespace DocPipeline.Extraction;

/// <summary>
/// Tells from its first bytes whether a file without an extension is text: valid UTF-8 (or UTF-16/UTF-32 with a byte
/// order mark), with no NUL and few control characters, by the same rules as <see cref="StrictTextDecoder"/>.
/// </summary>
internal static class TextSniffer
{
    /// <summary>How many bytes are looked at.</summary>
    internal const int SniffLength = 8 * 1024;

    /// <summary>
    /// Says why a file without an extension is not read as plain text: its first bytes (decompressed when
    /// <paramref name="gzip"/>) are not text. A file that cannot be opened is left to the job, which reports why.
    /// </summary>
    /// <param name="path">The full path.</param>
    /// <param name="gzip"><see langword="true"/> when the file is gzip-compressed.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The reason to skip the file, or <see langword="null"/> to read it.</returns>
    public static async Task<string?> WhyNotTextAsync(string path, bool gzip, CancellationToken cancellationToken)
    {
        string? why;
        try
        {
            var file = SourceFile.OpenRead(path, FileOptions.SequentialScan, bufferSize: 0);
            await using (file.ConfigureAwait(false))
            {
                Stream content = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
                await using (content.ConfigureAwait(false))
                {
                    why = await WhyNotTextAsync(content, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (InvalidDataException ex)
        {
            why = $"it is not valid gzip data ({ex.Message.TrimEnd('.')})";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return why is null ? null : $"The file has no extension, so DocPipeline reads it only if it is plain text, and {why}.";
    }

    /// <summary>Reads up to <see cref="SniffLength"/> bytes of <paramref name="content"/> and says why they are not text.</summary>
    /// <param name="content">The content, read from its current position.</param>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>Why the content is not text, or <see langword="null"/> when it looks like text (or is empty).</returns>
    public static async Task<string?> WhyNotTextAsync(Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var buffer = ArrayPool<byte>.Shared.Rent(SniffLength);
        try
        {
            var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, SniffLength), SniffLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return WhyNotText(buffer.AsSpan(0, read), endOfContent: read < SniffLength);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Says why the first bytes of some content are not text.</summary>
    /// <param name="start">The first bytes.</param>
    /// <param name="endOfContent"><see langword="true"/> when they are all of the content (a character cut at the end is then invalid).</param>
    /// <returns>Why they are not text, or <see langword="null"/> when they look like text.</returns>
    public static string? WhyNotText(ReadOnlySpan<byte> start, bool endOfContent)
    {
        var (encoding, bomLength) = StrictTextDecoder.DetectEncoding(start);
        var body = start[bomLength..];
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(1, body.Length));
        try
        {
            int written;
            if (encoding is null)
            {
                StrictTextDecoder.RejectBinary(body);
                var status = Utf8.ToUtf16(body, chars, out _, out written, replaceInvalidSequences: false, isFinalBlock: endOfContent);
                if (status == OperationStatus.InvalidData)
                {
                    return "its first bytes are not valid UTF-8 text";
                }
            }
            else
            {
                written = encoding.GetDecoder().GetChars(body, chars, flush: endOfContent);
                StrictTextDecoder.RejectBinary<char>(chars.AsSpan(0, written));
            }

            return null;
        }
        catch (DocumentExtractionException ex)
        {
            // "This file looks like binary data, not text (…)."
            return "it looks like binary data" + ex.Message[(ex.Message.IndexOf(',', StringComparison.Ordinal) is var comma && comma > 0 ? comma : 0)..].TrimEnd('.');
        }
        catch (DecoderFallbackException)
        {
            return $"its first bytes are not valid {encoding!.WebName} text";
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
