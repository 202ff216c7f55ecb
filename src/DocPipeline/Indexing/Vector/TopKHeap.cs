namespace DocPipeline.Indexing.Vector;

/// <summary>
/// Keeps the <c>k</c> best (score, id) pairs seen so far in a bounded min-heap: the root is the worst kept pair, so
/// a candidate is compared with one value and most candidates of a large scan are rejected at that comparison.
/// </summary>
/// <remarks>A higher score is better; between equal scores the lower id is better, so results are deterministic.</remarks>
internal sealed class TopKHeap
{
    private readonly float[] _scores;
    private readonly int[] _ids;

    /// <summary>Initializes a new instance of the <see cref="TopKHeap"/> class.</summary>
    /// <param name="capacity">The number of pairs to keep (the <c>k</c>); at least 1.</param>
    public TopKHeap(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _scores = new float[capacity];
        _ids = new int[capacity];
    }

    /// <summary>Gets the number of pairs kept.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Gets the score a candidate must beat to be kept: the worst kept score once the heap is full, negative
    /// infinity before. A scan can skip any candidate whose score is not greater (equal scores only win with a
    /// lower id, and a scan in ascending id order never offers one).
    /// </summary>
    public float Threshold => Count < _scores.Length ? float.NegativeInfinity : _scores[0];

    /// <summary>Offers a pair; it is kept if the heap is not full or if it beats the worst kept pair.</summary>
    /// <param name="score">The score; NaN is never kept.</param>
    /// <param name="id">The id.</param>
    public void Offer(float score, int id)
    {
        if (float.IsNaN(score))
        {
            return;
        }

        if (Count < _scores.Length)
        {
            var child = Count++;
            while (child > 0)
            {
                var parent = (child - 1) / 2;
                if (!Worse(score, id, _scores[parent], _ids[parent]))
                {
                    break;
                }

                _scores[child] = _scores[parent];
                _ids[child] = _ids[parent];
                child = parent;
            }

            _scores[child] = score;
            _ids[child] = id;
            return;
        }

        if (Worse(score, id, _scores[0], _ids[0]) || (score == _scores[0] && id == _ids[0]))
        {
            return;
        }

        SiftDownFromRoot(score, id);
    }

    /// <summary>Offers every pair of <paramref name="other"/> (merging the heaps of a split scan).</summary>
    /// <param name="other">The other heap.</param>
    public void OfferAll(TopKHeap other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < other.Count; i++)
        {
            Offer(other._scores[i], other._ids[i]);
        }
    }

    /// <summary>Returns the kept pairs, best first.</summary>
    /// <returns>The pairs.</returns>
    public (float Score, int Id)[] ToSortedArray()
    {
        var result = new (float Score, int Id)[Count];
        for (var i = 0; i < Count; i++)
        {
            result[i] = (_scores[i], _ids[i]);
        }

        Array.Sort(result, static (a, b) => Worse(a.Score, a.Id, b.Score, b.Id) ? 1 : Worse(b.Score, b.Id, a.Score, a.Id) ? -1 : 0);
        return result;
    }

    private static bool Worse(float score, int id, float otherScore, int otherId) =>
        score < otherScore || (score == otherScore && id > otherId);

    private void SiftDownFromRoot(float score, int id)
    {
        var index = 0;
        while (true)
        {
            var child = (2 * index) + 1;
            if (child >= Count)
            {
                break;
            }

            if (child + 1 < Count && Worse(_scores[child + 1], _ids[child + 1], _scores[child], _ids[child]))
            {
                child++;
            }

            if (!Worse(_scores[child], _ids[child], score, id))
            {
                break;
            }

            _scores[index] = _scores[child];
            _ids[index] = _ids[child];
            index = child;
        }

        _scores[index] = score;
        _ids[index] = id;
    }
}
