namespace DocPipeline;

/// <summary>
/// The checks the query types (<c>DocumentQuery</c>, <c>JobQuery</c>) make when a value is set, so that every store,
/// built in or third-party, receives only queries it can answer in bounded memory.
/// </summary>
internal static class QueryRules
{
    /// <summary>Returns <paramref name="value"/>, or throws when it is outside 1 to <paramref name="max"/>.</summary>
    /// <param name="option">The option, named in the message (for example <c>JobQuery.Limit</c>).</param>
    /// <param name="value">The value set.</param>
    /// <param name="max">The largest value allowed.</param>
    public static int Limit(string option, int value, int max) =>
        value >= 1 && value <= max
            ? value
            : throw new ArgumentOutOfRangeException(option, $"{option} must be between 1 and {max} (was {value}).");

    /// <summary>Returns <paramref name="value"/>, or throws when it is not <see langword="null"/> and not a defined member.</summary>
    /// <typeparam name="TEnum">The enum.</typeparam>
    /// <param name="option">The option, named in the message (for example <c>JobQuery.Status</c>).</param>
    /// <param name="value">The value set.</param>
    public static TEnum? Defined<TEnum>(string option, TEnum? value)
        where TEnum : struct, Enum =>
        value is not { } member || Enum.IsDefined(member)
            ? value
            : throw new ArgumentOutOfRangeException(option, $"{option} must be one of {string.Join(", ", Enum.GetNames<TEnum>())} (was {member}).");
}
