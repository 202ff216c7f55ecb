namespace DocPipeline.Storage;

/// <summary>
/// Remembers the last value computed for one key instance. The chunks of a document share one metadata dictionary
/// (one per page), so a loop over a document's chunks serializes it once instead of once per chunk.
/// </summary>
/// <typeparam name="TKey">The key, compared by reference (<see langword="null"/> is a key like any other).</typeparam>
/// <typeparam name="TValue">The computed value.</typeparam>
internal struct SameInstanceMemo<TKey, TValue>(Func<TKey?, TValue> compute)
    where TKey : class
{
    private bool _computed;
    private TKey? _key;
    private TValue? _value;

    /// <summary>Gets the value for <paramref name="key"/>, computed again only when the instance differs from the last one.</summary>
    public TValue Get(TKey? key)
    {
        if (!_computed || !ReferenceEquals(key, _key))
        {
            _value = compute(key);
            _key = key;
            _computed = true;
        }

        return _value!;
    }
}
