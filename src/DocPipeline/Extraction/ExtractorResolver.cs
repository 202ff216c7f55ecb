using System.Diagnostics.CodeAnalysis;
using DocPipeline.Configuration;
using Microsoft.Extensions.Options;

namespace DocPipeline.Extraction;

/// <summary>
/// Picks the extractor for a document by its file extension (case-insensitive) or media type. When several
/// extractors claim the same extension or media type, the one registered last wins, so an extractor added with
/// <c>AddExtractor</c> overrides a built-in one.
/// </summary>
internal sealed class ExtractorResolver
{
    private readonly Dictionary<string, ExtractorMatch> _byExtension = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ExtractorMatch> _byMediaType = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance of the <see cref="ExtractorResolver"/> class with the default limits.</summary>
    /// <param name="extractors">The registered extractors, in registration order.</param>
    public ExtractorResolver(IEnumerable<IDocumentExtractor> extractors)
        : this(extractors, Options.Create(new DocPipelineOptions()))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExtractorResolver"/> class that passes the limits of one document to every extractor.</summary>
    /// <param name="extractors">The registered extractors, in registration order.</param>
    /// <param name="options">The options; <see cref="DocPipelineOptions.Limits"/> is read once (it also bounds gzip-compressed files).</param>
    public ExtractorResolver(IEnumerable<IDocumentExtractor> extractors, IOptions<DocPipelineOptions> options)
    {
        ArgumentNullException.ThrowIfNull(extractors);
        ArgumentNullException.ThrowIfNull(options);
        var limits = options.Value.Limits;
        (long?, long?) passed = (limits.MaxExtractedTextBytes, limits.MaxDecompressedBytes);
        foreach (var extractor in extractors)
        {
            var mediaTypes = extractor.MediaTypes.Where(static m => !string.IsNullOrWhiteSpace(m)).Select(static m => m.Trim()).ToList();
            foreach (var extension in extractor.FileExtensions.Where(static e => !string.IsNullOrWhiteSpace(e)))
            {
                var normalized = NormalizeExtension(extension);
                var mediaType = KnownMediaTypes.TryGetForExtension(normalized, out var known) && mediaTypes.Contains(known, StringComparer.OrdinalIgnoreCase)
                    ? known
                    : mediaTypes.FirstOrDefault() ?? KnownMediaTypes.Unknown;
                _byExtension[normalized] = new ExtractorMatch(extractor, mediaType) { Limits = passed };
            }

            foreach (var mediaType in mediaTypes)
            {
                _byMediaType[mediaType] = new ExtractorMatch(extractor, mediaType) { Limits = passed };
            }
        }
    }

    /// <summary>Gets the file extensions some extractor reads (lower case, with the dot).</summary>
    public IReadOnlyCollection<string> FileExtensions => _byExtension.Keys;

    /// <summary>Gets the media types some extractor reads.</summary>
    public IReadOnlyCollection<string> MediaTypes => _byMediaType.Keys;

    /// <summary>
    /// Picks the extractor for a file name. Multi-part extensions registered by an extractor (<c>.tar.gz</c>) are
    /// matched before the last part alone (<c>.gz</c>). Unless an extractor claims <c>.gz</c>, a gzip-compressed file
    /// is read by the extractor of its name without <c>.gz</c> (<c>guide.md.gz</c> as Markdown). A name without an
    /// extension (<c>README</c>, <c>changelog.gz</c>) is read as plain text, once its first bytes look like text.
    /// </summary>
    /// <param name="fileName">The file name or path.</param>
    /// <param name="match">The extractor and media type, when one reads this file.</param>
    /// <returns><see langword="false"/> when no extractor reads the file's extension.</returns>
    public bool TryResolve(string fileName, [NotNullWhen(true)] out ExtractorMatch? match)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var name = Path.GetFileName(fileName.AsSpan());
        if (TryResolveName(name, out match))
        {
            return true;
        }

        var suffix = ExtractorMatch.GzipSuffix.Length;
        if (name.Length > suffix && name.EndsWith(ExtractorMatch.GzipSuffix, StringComparison.OrdinalIgnoreCase) &&
            !name[..^suffix].EndsWith(ExtractorMatch.GzipSuffix, StringComparison.OrdinalIgnoreCase) &&
            TryResolveName(name[..^suffix], out var inner))
        {
            match = inner with { IsGzip = true };
            return true;
        }

        return false;
    }

    /// <summary>Picks the extractor for a media type (parameters such as <c>; charset=utf-8</c> are ignored).</summary>
    /// <param name="mediaType">The media type, for example from a <c>Content-Type</c> header.</param>
    /// <param name="match">The extractor and media type, when one reads this media type.</param>
    /// <returns><see langword="false"/> when no extractor reads the media type.</returns>
    public bool TryResolveMediaType(string mediaType, [NotNullWhen(true)] out ExtractorMatch? match)
    {
        ArgumentNullException.ThrowIfNull(mediaType);
        var parameters = mediaType.IndexOf(';', StringComparison.Ordinal);
        var essence = (parameters < 0 ? mediaType : mediaType[..parameters]).Trim();
        return _byMediaType.TryGetValue(essence, out match);
    }

    /// <summary>Resolves a name by its extensions, or as plain text to sniff when it has none.</summary>
    private bool TryResolveName(ReadOnlySpan<char> name, [NotNullWhen(true)] out ExtractorMatch? match)
    {
        var lookup = _byExtension.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var dot = name.IndexOf('.'); dot >= 0; dot = NextDot(name, dot))
        {
            if (lookup.TryGetValue(name[dot..], out match))
            {
                return true;
            }
        }

        if (!name.IsEmpty && Path.GetExtension(name).IsEmpty && _byMediaType.TryGetValue(KnownMediaTypes.PlainText, out var text))
        {
            match = text with { IsSniffed = true };
            return true;
        }

        match = null;
        return false;
    }

    private static int NextDot(ReadOnlySpan<char> name, int dot)
    {
        var next = name[(dot + 1)..].IndexOf('.');
        return next < 0 ? -1 : dot + 1 + next;
    }

    private static string NormalizeExtension(string extension)
    {
        var trimmed = extension.Trim();
        return (trimmed.StartsWith('.') ? trimmed : "." + trimmed).ToLowerInvariant();
    }
}
