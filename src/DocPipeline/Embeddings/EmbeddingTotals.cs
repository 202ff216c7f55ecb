using System.Globalization;
using DocPipeline.Registry;

namespace DocPipeline.Embeddings;

/// <summary>
/// The embedding accounting of a data folder over all its runs, kept in the settings store (seven whole numbers:
/// calls, texts, input tokens, rate-limited answers, retries, splits, rate-limit wait in ticks). Runs add theirs when
/// they end; two processes that end runs at the same instant may lose one's addition, so read it as an account, not a ledger.
/// </summary>
internal static class EmbeddingTotals
{
    /// <summary>The settings key.</summary>
    public const string SettingKey = "embedding_totals";

    public static async Task<EmbeddingStatistics> ReadAsync(ISettingsStore settings, CancellationToken cancellationToken) =>
        Parse(await settings.GetSettingAsync(SettingKey, cancellationToken).ConfigureAwait(false));

    public static async Task AddAsync(ISettingsStore settings, EmbeddingStatistics run, CancellationToken cancellationToken)
    {
        if (run.Calls == 0 && run.RateLimited == 0 && run.Retries == 0)
        {
            return;
        }

        var total = (await ReadAsync(settings, cancellationToken).ConfigureAwait(false)).Add(run);
        await settings.SetSettingAsync(SettingKey, Format(total), cancellationToken).ConfigureAwait(false);
    }

    internal static string Format(EmbeddingStatistics s) => string.Join(
        ' ',
        new[] { s.Calls, s.Texts, s.InputTokens, s.RateLimited, s.Retries, s.Splits, s.RateLimitWait.Ticks }.Select(n => n.ToString(CultureInfo.InvariantCulture)));

    internal static EmbeddingStatistics Parse(string? text)
    {
        var parts = text?.Split(' ') ?? [];
        var n = new long[7];
        for (var i = 0; i < n.Length && i < parts.Length; i++)
        {
            _ = long.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out n[i]);
        }

        return new EmbeddingStatistics
        {
            Calls = n[0],
            Texts = n[1],
            InputTokens = n[2],
            RateLimited = n[3],
            Retries = n[4],
            Splits = n[5],
            RateLimitWait = TimeSpan.FromTicks(n[6]),
        };
    }
}
