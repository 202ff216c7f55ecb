using DocPipeline.Configuration;
using DocPipeline.Extraction;
using DocPipeline.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.ML.Tokenizers;

namespace DocPipeline.Chunking;

/// <summary>
/// Splits a document into chunks that never exceed <see cref="ChunkingOptions.MaxTokens"/> (special tokens included)
/// and whose boundaries depend on the text around them, not on everything before them, so an edit moves only the
/// boundaries next to it.
/// </summary>
/// <remarks>
/// <para>
/// The document text is the sections joined by <c>"\n\n"</c>. It is cut into units, each the largest of these that
/// fits in <c>min(TargetTokens, MaxTokens - 2)</c> tokens and <see cref="MaxCharsPerToken"/> characters per token of
/// that limit: each sentence (or line), else each word, else pieces of the word found by counting tokens (the earlier
/// rules took a whole paragraph as one unit when it fitted). Every unit is tokenized once; sums of unit counts are exact because units meet at white space or after
/// punctuation, where a WordPiece tokenizer never joins tokens.
/// </para>
/// <para>
/// Chunk ends are chosen from the units around them only (<see cref="ChunkBoundaryRule.Anchored"/>): units whose
/// hash falls under a threshold set by the unit's size end a segment when at least <see cref="MinFraction"/> of
/// the limit came since the previous such unit, and a segment too big for the limit is cut at its own units with
/// the lowest hash per token. Inside a long list, table or code block, whose units are its items, rows and lines,
/// an edit therefore changes only the chunks of the segment that holds it (at most 3 chunks with the overlap, see
/// <c>TokenAwareChunker.Anchored.cs</c>). <see cref="ChunkBoundaryRule"/> keeps the earlier rules, whose ends
/// depended on where the chunk started.
/// </para>
/// <para>
/// Each chunk after the first starts with up to <see cref="ChunkingOptions.OverlapTokens"/> tokens of the previous
/// chunk's final sentences (or final words, when its last sentence is longer), never pushing it over the limit.
/// <see cref="TextChunk.StartOffset"/> and <see cref="TextChunk.EndOffset"/> delimit the chunk's own part, without
/// the overlap: the own parts of all chunks cover the document text in order, separated only by white space, and
/// <see cref="TextChunk.Text"/> is the document text from the start of the overlap to <see cref="TextChunk.EndOffset"/>.
/// </para>
/// </remarks>
internal sealed partial class TokenAwareChunker : IChunker
{
    /// <summary>The service key of the <see cref="Tokenizer"/> the chunker counts with.</summary>
    internal const string TokenizerServiceKey = "DocPipeline.Chunking.Tokenizer";

    /// <summary>The separator between the sections of a document in the document text.</summary>
    internal const string SectionSeparator = "\n\n";

    /// <summary>The number of special tokens the embedder adds to every input (<c>[CLS]</c> and <c>[SEP]</c>).</summary>
    internal const int SpecialTokens = 2;

    /// <summary>The share of the limit a chunk must hold before a content-defined boundary may end it.</summary>
    internal const double MinFraction = 0.2;

    /// <summary>The tokens between content-defined boundaries, as a share of the limit.</summary>
    internal const double HitSpacingFraction = 0.5;

    /// <summary>The <see cref="MinFraction"/> of the <see cref="ChunkBoundaryRule.FillWeighted"/> rule.</summary>
    internal const double FillWeightedMinFraction = 0.3;

    /// <summary>The <see cref="HitSpacingFraction"/> of the <see cref="ChunkBoundaryRule.FillWeighted"/> rule.</summary>
    internal const double FillWeightedHitSpacingFraction = 0.4;

    /// <summary>How many characters a unit (and a chunk's own part) may hold per token of the limit.</summary>
    internal const int MaxCharsPerToken = 16;

    private readonly Tokenizer _tokenizer;
    private readonly WordTokenCounter _counter;
    private readonly int _unitLimit;
    private readonly int _contentLimit;
    private readonly int _overlapTokens;
    private readonly int _minTokens;
    private readonly double _hitSpacing;
    private readonly int _maxChars;
    private readonly ChunkBoundaryRule _rule;

    /// <summary>Initializes a new instance of the <see cref="TokenAwareChunker"/> class.</summary>
    /// <param name="tokenizer">The tokenizer of the embedder, used to count tokens.</param>
    /// <param name="options">The options; the chunking sizes are read once.</param>
    public TokenAwareChunker([FromKeyedServices(TokenizerServiceKey)] Tokenizer tokenizer, IOptions<DocPipelineOptions> options)
        : this(tokenizer, options?.Value.Chunking ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TokenAwareChunker"/> class.</summary>
    /// <param name="tokenizer">The tokenizer of the embedder, used to count tokens.</param>
    /// <param name="options">The chunking sizes; they are copied.</param>
    internal TokenAwareChunker(Tokenizer tokenizer, ChunkingOptions options)
        : this(tokenizer, options, ChunkBoundaryRule.Anchored)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TokenAwareChunker"/> class that ends chunks by the given rule.</summary>
    /// <param name="tokenizer">The tokenizer of the embedder, used to count tokens.</param>
    /// <param name="options">The chunking sizes; they are copied.</param>
    /// <param name="rule">How chunk ends are chosen (an earlier rule, for comparisons and for data folders built with it).</param>
    internal TokenAwareChunker(Tokenizer tokenizer, ChunkingOptions options, ChunkBoundaryRule rule)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(options);
        _tokenizer = tokenizer;
        _counter = new WordTokenCounter(tokenizer);
        _contentLimit = Math.Max(1, options.MaxTokens - SpecialTokens);
        _unitLimit = Math.Min(options.TargetTokens, _contentLimit);
        _overlapTokens = Math.Max(0, options.OverlapTokens);
        var contentDefined = rule != ChunkBoundaryRule.FillWeighted;
        _minTokens = (int)(_unitLimit * (contentDefined ? MinFraction : FillWeightedMinFraction));
        _hitSpacing = Math.Max(1, _unitLimit * (contentDefined ? HitSpacingFraction : FillWeightedHitSpacingFraction));
        _maxChars = _unitLimit * MaxCharsPerToken;
        _rule = rule;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The boundaries of every chunk are found here; each chunk's text is cut from the document text only when the
    /// returned list is indexed, so a very large document never holds all its chunk texts at once (the list holds
    /// the document text). Each read of an item cuts its text again; the list is safe to read from one thread at a time.
    /// </remarks>
    public IReadOnlyList<TextChunk> Chunk(ExtractedDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var text = JoinSections(document.Sections, out var sectionStarts);
        var units = new List<ChunkUnit>();
        var sentences = new List<CountedSpan>();
        var paragraphs = new List<TextSpan>();
        var scratch = new List<TextSpan>();
        TextSegmenter.Paragraphs(text, 0, text.Length, paragraphs);
        foreach (var paragraph in paragraphs)
        {
            AddParagraph(text, paragraph, units, sentences, scratch);
        }

        var bounds = new List<(int End, int OwnTokens)>();
        if (_rule == ChunkBoundaryRule.Anchored)
        {
            AnchoredBounds(units, bounds);
        }
        else
        {
            for (var start = 0; start < units.Count;)
            {
                var end = ChunkEnd(units, start, out var ownTokens);
                bounds.Add((end, ownTokens));
                start = end;
            }
        }

        var chunks = new ChunkList(this, document.Sections, sectionStarts, text, units, sentences, bounds);

        // A document of one write batch keeps its chunk texts: its list is read several times (limits, embedding,
        // staging, both indexes) and every read of the lazy list cuts the text and counts the overlap again
        // (a first ingest of small documents was ~10% slower that way). Only larger documents cut texts on demand.
        return bounds.Count <= DocumentWriter.BatchChunks ? chunks.ToList() : chunks;
    }
    /// <summary>Returns the document text: the sections joined by <see cref="SectionSeparator"/>.</summary>
    internal static string JoinSections(IReadOnlyList<ExtractedSection> sections, out int[] sectionStarts)
    {
        sectionStarts = new int[sections.Count];
        if (sections.Count == 1)
        {
            return sections[0].Text ?? string.Empty;
        }

        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < sections.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(SectionSeparator);
            }

            sectionStarts[i] = builder.Length;
            builder.Append(sections[i].Text);
        }

        return builder.ToString();
    }

    private static int? PageAt(IReadOnlyList<ExtractedSection> sections, int[] sectionStarts, int offset)
    {
        var index = Array.BinarySearch(sectionStarts, offset);
        return sections[index >= 0 ? index : Math.Max(~index - 1, 0)].Page;
    }

    /// <summary>
    /// Adds a paragraph as one unit when it fits, else its sentences, words or pieces. Each sentence is counted once;
    /// the paragraph's count is their sum, exact because sentences meet at white space or after punctuation.
    /// </summary>
    private void AddParagraph(string text, TextSpan paragraph, List<ChunkUnit> units, List<CountedSpan> sentences, List<TextSpan> scratch)
    {
        scratch.Clear();
        TextSegmenter.Sentences(text, paragraph.Start, paragraph.End, scratch);
        var first = sentences.Count;
        var fits = paragraph.Length <= _maxChars;
        var total = 0;
        foreach (var sentence in scratch)
        {
            var tokens = sentence.Length <= _maxChars ? Count(text, sentence) : -1;
            sentences.Add(new CountedSpan(sentence, tokens));
            fits &= tokens >= 0;
            total += tokens;
        }

        if (_rule == ChunkBoundaryRule.Anchored)
        {
            AddSentences(text, units, sentences, first, total, fits && total <= _unitLimit, scratch);
            return;
        }

        if (fits && total <= _unitLimit)
        {
            units.Add(new ChunkUnit(paragraph, total, ChunkUnitKind.Paragraph, Hash(text, paragraph), first, sentences.Count - first));
            return;
        }

        for (var index = first; index < sentences.Count; index++)
        {
            var (sentence, tokens) = sentences[index];
            if (tokens >= 0 && tokens <= _unitLimit)
            {
                units.Add(new ChunkUnit(sentence, tokens, ChunkUnitKind.Sentence, Hash(text, sentence), index, 1));
                continue;
            }

            AddWords(text, sentence, units, scratch);
        }
    }

    /// <summary>Adds the words of a sentence too big to be a unit, and pieces of the words too big to be units.</summary>
    private void AddWords(string text, TextSpan sentence, List<ChunkUnit> units, List<TextSpan> scratch)
    {
        scratch.Clear();
        TextSegmenter.Words(text, sentence.Start, sentence.End, scratch);
        foreach (var word in scratch)
        {
            var wordTokens = word.Length <= _maxChars ? Count(text, word) : int.MaxValue;
            if (wordTokens <= _unitLimit)
            {
                units.Add(new ChunkUnit(word, wordTokens, ChunkUnitKind.Word, Hash(text, word), 0, 0));
            }
            else
            {
                AddPieces(text, word, units);
            }
        }
    }

    /// <summary>Cuts a word too big to be a unit into the longest runs of characters that fit, counting tokens.</summary>
    private void AddPieces(string text, TextSpan word, List<ChunkUnit> units)
    {
        var position = word.Start;
        var window = _maxChars;
        while (position < word.End)
        {
            var end = AvoidSplittingPair(text, position, Math.Min(word.End, position + window));
            var tokens = Count(text, new TextSpan(position, end));
            if (tokens > _unitLimit)
            {
                (end, tokens) = LongestFittingPrefix(text, position, end);
            }

            var piece = new TextSpan(position, end);
            units.Add(new ChunkUnit(piece, tokens, ChunkUnitKind.Piece, Hash(text, piece), 0, 0));
            position = end;

            // The next piece is probably about as long: look at a window a few times its size, not at the maximum.
            window = Math.Clamp(piece.Length * 3, 64, _maxChars);
        }
    }

    /// <summary>Finds the longest prefix of <c>text[start..end)</c> that has at most the unit limit of tokens.</summary>
    private (int End, int Tokens) LongestFittingPrefix(string text, int start, int end)
    {
        // The tokenizer finds the offset after the limit's last token in one pass; that offset can fall between two
        // pieces of a word, where the prefix alone may tokenize differently, so the prefix is counted again.
        var span = text.AsSpan(start, end - start);
        var index = _tokenizer.GetIndexByTokenCount(span, _unitLimit, out var normalized, out _);
        if (index > 0 && (normalized is null || normalized.Length == span.Length))
        {
            var candidate = AvoidSplittingPair(text, start, start + index);
            var candidateTokens = Count(text, new TextSpan(start, candidate));
            if (candidate > start && candidateTokens <= _unitLimit)
            {
                return (candidate, candidateTokens);
            }
        }

        // Binary search. Counts are not strictly monotonic in the length (a word longer than the tokenizer's word
        // limit collapses to one unknown token), but every prefix kept has been counted.
        var best = AvoidSplittingPair(text, start, start + 1);
        var bestTokens = Count(text, new TextSpan(start, best));
        int low = 1, high = end - start;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var candidate = AvoidSplittingPair(text, start, start + middle);
            var candidateTokens = Count(text, new TextSpan(start, candidate));
            if (candidateTokens <= _unitLimit)
            {
                if (candidate > best)
                {
                    (best, bestTokens) = (candidate, candidateTokens);
                }

                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return (best, bestTokens);
    }

    /// <summary>Moves <paramref name="end"/> so that it does not fall between the two halves of a surrogate pair.</summary>
    private static int AvoidSplittingPair(string text, int start, int end)
    {
        if (end < text.Length && end > start && char.IsLowSurrogate(text[end]) && char.IsHighSurrogate(text[end - 1]))
        {
            return end - 1 > start ? end - 1 : end + 1;
        }

        return end;
    }

    /// <summary>Finds where the chunk that starts at unit <paramref name="start"/> ends (exclusive).</summary>
    private int ChunkEnd(List<ChunkUnit> units, int start, out int tokens)
    {
        tokens = units[start].Tokens;
        if (units[start].Kind == ChunkUnitKind.Piece)
        {
            return start + 1;
        }

        var chunkStart = units[start].Span.Start;
        var index = start;
        while (true)
        {
            if (tokens >= _minTokens && IsBoundary(units[index], tokens))
            {
                return index + 1;
            }

            index++;
            if (index == units.Count)
            {
                return index;
            }

            var next = units[index];
            if (next.Kind == ChunkUnitKind.Piece)
            {
                return index;
            }

            if (tokens + next.Tokens > _unitLimit || next.Span.End - chunkStart > _maxChars)
            {
                return _rule == ChunkBoundaryRule.ContentDefined ? BackOff(units, start, index, ref tokens) : index;
            }

            tokens += next.Tokens;
        }
    }

    /// <summary>
    /// Decides from the unit's hash whether a chunk holding <paramref name="tokens"/> tokens ends after it. The
    /// threshold is the unit's share of the hit spacing, so big units end chunks more often; by the
    /// <see cref="ChunkBoundaryRule.FillWeighted"/> rule it also grows with how far the chunk is past the minimum.
    /// </summary>
    private bool IsBoundary(ChunkUnit unit, int tokens)
    {
        var bySize = unit.EndWeight / _hitSpacing;
        if (_rule != ChunkBoundaryRule.FillWeighted)
        {
            return unit.Hash < bySize * 4294967296.0;
        }

        var byFill = _unitLimit > _minTokens ? (tokens - _minTokens) / (double)(_unitLimit - _minTokens) : 1;
        var threshold = Math.Max(bySize, byFill);
        return unit.Hash < threshold * 4294967296.0;
    }

    /// <summary>
    /// Finds the overlap of the chunk starting at unit <paramref name="start"/>: the longest run of whole units, then
    /// sentences, at the end of the previous chunk that fits in <paramref name="budget"/> tokens, or the previous chunk's
    /// final words when not even its last sentence fits.
    /// </summary>
    private (int Start, int Tokens) Overlap(
        string text, List<ChunkUnit> units, List<CountedSpan> sentences, Range previous, int start, int budget, List<TextSpan> scratch)
    {
        var ownStart = units[start].Span.Start;
        var (first, last) = (previous.Start.Value, previous.End.Value - 1);
        if (budget <= 0 || units[start].Kind == ChunkUnitKind.Piece || units[last].Kind == ChunkUnitKind.Piece)
        {
            return (ownStart, 0);
        }

        var taken = 0;
        var overlapStart = ownStart;
        for (var index = last; index >= first; index--)
        {
            var unit = units[index];
            if (taken + unit.Tokens <= budget)
            {
                taken += unit.Tokens;
                overlapStart = unit.Span.Start;
                continue;
            }

            var sentence = unit.FirstSentence + unit.SentenceCount - 1;
            for (; sentence >= unit.FirstSentence && unit.SentenceCount > 1; sentence--)
            {
                if (taken + sentences[sentence].Tokens > budget)
                {
                    break;
                }

                taken += sentences[sentence].Tokens;
                overlapStart = sentences[sentence].Span.Start;
            }

            if (taken == 0 && unit.Kind != ChunkUnitKind.Word)
            {
                // Not even the last sentence fits: take its final words.
                (overlapStart, taken) = FinalWords(text, sentences[sentence].Span, budget, scratch);
                overlapStart = taken == 0 ? ownStart : overlapStart;
            }

            break;
        }

        return (overlapStart, taken);
    }

    /// <summary>Finds the longest run of whole words at the end of <paramref name="span"/> that fits in <paramref name="budget"/> tokens.</summary>
    private (int Start, int Tokens) FinalWords(string text, TextSpan span, int budget, List<TextSpan> scratch)
    {
        // One pass finds where the last tokens start; that can be inside a word, so move to the next word and count again.
        var slice = text.AsSpan(span.Start, span.Length);
        var index = _tokenizer.GetIndexByTokenCountFromEnd(slice, budget, out var normalized, out _);
        if (normalized is null || normalized.Length == slice.Length)
        {
            var position = span.Start + index;
            if (position > span.Start && !char.IsWhiteSpace(text[position - 1]))
            {
                while (position < span.End && !char.IsWhiteSpace(text[position]))
                {
                    position++;
                }
            }

            while (position < span.End && char.IsWhiteSpace(text[position]))
            {
                position++;
            }

            var tokens = position < span.End ? Count(text, new TextSpan(position, span.End)) : 0;
            if (tokens <= budget)
            {
                return (position, tokens);
            }
        }

        // The tokenizer changed the text's length while normalizing it: count word by word instead.
        scratch.Clear();
        TextSegmenter.Words(text, span.Start, span.End, scratch);
        var (start, taken) = (span.End, 0);
        for (var word = scratch.Count - 1; word >= 0; word--)
        {
            var wordTokens = Count(text, scratch[word]);
            if (taken + wordTokens > budget)
            {
                break;
            }

            (start, taken) = (scratch[word].Start, taken + wordTokens);
        }

        return (start, taken);
    }

    private int Count(string text, TextSpan span) => _counter.Count(text.AsSpan(span.Start, span.Length));

    /// <summary>FNV-1a over the UTF-16 code units of the span: stable across processes and platforms.</summary>
    private static uint Hash(string text, TextSpan span)
    {
        var hash = 2166136261u;
        foreach (var c in text.AsSpan(span.Start, span.Length))
        {
            hash = (hash ^ c) * 16777619u;
        }

        // Finish with a few avalanche steps so that the top bits, which the threshold compares, depend on every char.
        hash ^= hash >> 16;
        hash *= 0x85EBCA6Bu;
        hash ^= hash >> 13;
        hash *= 0xC2B2AE35u;
        hash ^= hash >> 16;
        return hash;
    }
    /// <summary>The chunks of one document, their texts cut from the document text when read.</summary>
    private sealed class ChunkList(
        TokenAwareChunker chunker,
        IReadOnlyList<ExtractedSection> sections,
        int[] sectionStarts,
        string text,
        List<ChunkUnit> units,
        List<CountedSpan> sentences,
        List<(int End, int OwnTokens)> bounds) : IReadOnlyList<TextChunk>
    {
        private readonly List<TextSpan> _scratch = [];

        public int Count => bounds.Count;

        public TextChunk this[int index]
        {
            get
            {
                ArgumentOutOfRangeException.ThrowIfNegative(index);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, bounds.Count);
                var start = index == 0 ? 0 : bounds[index - 1].End;
                var (end, ownTokens) = bounds[index];
                var own = new TextSpan(units[start].Span.Start, units[end - 1].Span.End);
                var textStart = own.Start;
                var tokens = ownTokens;
                if (index > 0)
                {
                    var previous = new Range(index == 1 ? 0 : bounds[index - 2].End, start);
                    var (overlapStart, overlapTokens) = chunker.Overlap(
                        text, units, sentences, previous, start, Math.Min(chunker._overlapTokens, chunker._contentLimit - ownTokens), _scratch);
                    textStart = overlapStart;
                    tokens += overlapTokens;
                }

                return new TextChunk(index, text[textStart..own.End], own.Start, own.End, PageAt(sections, sectionStarts, own.Start), tokens);
            }
        }

        public IEnumerator<TextChunk> GetEnumerator()
        {
            for (var i = 0; i < bounds.Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
