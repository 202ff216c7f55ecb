namespace DocPipeline.Chunking;

/// <summary>Where a chunk ends when no content-defined boundary came before the limit.</summary>
internal sealed partial class TokenAwareChunker
{
    /// <summary>
    /// Ends the chunk that starts at unit <paramref name="start"/> and would overflow at unit <paramref name="overflow"/>
    /// after its unit with the lowest hash per token among those that leave the chunk at least its minimum, so that the
    /// forced end depends on the units near it rather than on exactly where the chunk started.
    /// </summary>
    /// <param name="units">The units of the document.</param>
    /// <param name="start">The chunk's first unit.</param>
    /// <param name="overflow">The unit that does not fit any more.</param>
    /// <param name="tokens">The tokens of units <c>[start, overflow)</c>; receives the tokens of the chunk as ended.</param>
    /// <returns>The unit after the chunk's last unit.</returns>
    private int BackOff(List<ChunkUnit> units, int start, int overflow, ref int tokens)
    {
        var (best, bestTokens, bestScore) = (overflow, tokens, double.MaxValue);
        var fill = 0;
        for (var index = start; index < overflow; index++)
        {
            var unit = units[index];
            fill += unit.Tokens;
            var score = unit.Hash / (double)Math.Max(1, unit.Tokens);
            if (fill >= _minTokens && score < bestScore)
            {
                (best, bestTokens, bestScore) = (index + 1, fill, score);
            }
        }

        tokens = bestTokens;
        return best;
    }
}
