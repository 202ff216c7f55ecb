namespace DocPipeline.Extraction;

/// <summary>
/// Gives random access to content for parsers that need it (PDF, ZIP packages): seekable content is used as it is
/// (and left open for its owner); other content is copied to memory, or to a temporary file deleted on close once it
/// grows past <see cref="MemoryLimit"/>.
/// </summary>
internal sealed class SeekableContent : IAsyncDisposable
{
    /// <summary>The most bytes copied to memory; larger content goes to a temporary file.</summary>
    internal const int MemoryLimit = 64 * 1024 * 1024;

    private readonly bool _owned;

    private SeekableContent(Stream stream, bool owned)
    {
        Stream = stream;
        _owned = owned;
    }

    /// <summary>Gets the seekable content, positioned at its start.</summary>
    public Stream Stream { get; }

    /// <summary>Gets the content length in bytes.</summary>
    public long Length => Stream.Length;

    /// <summary>Makes <paramref name="content"/> seekable.</summary>
    /// <param name="content">The content, read from its current position.</param>
    /// <param name="lengthHint">The content length, when known, to choose memory or a file up front.</param>
    /// <param name="cancellationToken">A token to cancel the copy.</param>
    /// <returns>Random access to the content; dispose it when done (this leaves caller-owned content open).</returns>
    public static Task<SeekableContent> OpenAsync(Stream content, long? lengthHint, CancellationToken cancellationToken) =>
        OpenAsync(content, lengthHint, MemoryLimit, cancellationToken);

    /// <summary>Makes <paramref name="content"/> seekable, spilling to a temporary file past <paramref name="memoryLimit"/> bytes.</summary>
    /// <param name="content">The content, read from its current position.</param>
    /// <param name="lengthHint">The content length, when known, to choose memory or a file up front.</param>
    /// <param name="memoryLimit">The most bytes kept in memory.</param>
    /// <param name="cancellationToken">A token to cancel the copy.</param>
    /// <returns>Random access to the content; dispose it when done (this leaves caller-owned content open).</returns>
    internal static async Task<SeekableContent> OpenAsync(Stream content, long? lengthHint, int memoryLimit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.CanSeek)
        {
            return new SeekableContent(content, owned: false);
        }

        Stream copy = lengthHint > memoryLimit ? CreateTemporaryFile() : new MemoryStream((int)Math.Max(0, lengthHint ?? 0));
        try
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (copy is MemoryStream memory && memory.Length + read > memoryLimit)
                {
                    copy = await SpillAsync(memory, cancellationToken).ConfigureAwait(false);
                }

                await copy.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            copy.Position = 0;
            return new SeekableContent(copy, owned: true);
        }
        catch
        {
            await copy.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Makes <paramref name="content"/> seekable and reads it with <paramref name="read"/>; zero bytes give an empty
    /// document without calling the reader.
    /// </summary>
    /// <param name="content">The content, read from its current position.</param>
    /// <param name="context">What is known about the content.</param>
    /// <param name="read">Reads the seekable content (positioned at its start).</param>
    /// <param name="cancellationToken">A token to cancel the operation.</param>
    /// <returns>The extracted document.</returns>
    public static async Task<ExtractedDocument> ReadAsync(
        Stream content,
        ExtractionContext context,
        Func<Stream, CancellationToken, Task<ExtractedDocument>> read,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();

        var seekable = await OpenAsync(content, context.Length, cancellationToken).ConfigureAwait(false);
        await using (seekable.ConfigureAwait(false))
        {
            return seekable.Length == 0
                ? ExtractedDocuments.Empty
                : await read(seekable.Stream, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _owned ? Stream.DisposeAsync() : ValueTask.CompletedTask;

    private static async Task<Stream> SpillAsync(MemoryStream memory, CancellationToken cancellationToken)
    {
        var file = CreateTemporaryFile();
        try
        {
            memory.Position = 0;
            await memory.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            return file;
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            await memory.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static FileStream CreateTemporaryFile() => new(
        Path.Combine(Path.GetTempPath(), $"docpipeline-{Guid.NewGuid():N}.tmp"),
        FileMode.CreateNew,
        FileAccess.ReadWrite,
        FileShare.None,
        bufferSize: 81920,
        FileOptions.Asynchronous | FileOptions.DeleteOnClose);
}
