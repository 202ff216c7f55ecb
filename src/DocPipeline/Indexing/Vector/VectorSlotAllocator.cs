namespace DocPipeline.Indexing.Vector;

/// <summary>
/// Hands out free slots of the vector file: holes left by deleted vectors first (lowest first, which keeps the
/// scanned range short), then never-used slots at the end.
/// </summary>
/// <remarks>
/// A slot freed by a catalog commit is not reused until that commit is known to be durable (see
/// <see cref="VectorCatalog.TryMakeDurable"/>): it waits in quarantine. Otherwise a power loss could roll the catalog
/// back to a state that still points at the slot after a new vector overwrote it. Only the index's single writer
/// uses an allocator.
/// </remarks>
internal sealed class VectorSlotAllocator
{
    private readonly PriorityQueue<int, int> _holes = new();
    private readonly List<int> _quarantine = [];
    private int _nextFresh;

    /// <summary>Initializes a new instance of the <see cref="VectorSlotAllocator"/> class for a file whose slots are all free.</summary>
    public VectorSlotAllocator(int capacity)
    {
        Capacity = capacity;
    }

    /// <summary>Gets the number of slots of the file.</summary>
    public int Capacity { get; private set; }

    /// <summary>Gets the number of slots that can be handed out now.</summary>
    public int Available => _holes.Count + (Capacity - _nextFresh);

    /// <summary>Gets the number of freed slots waiting for a durable catalog.</summary>
    public int Quarantined => _quarantine.Count;

    /// <summary>Builds the allocator of an opened file from its live slots.</summary>
    /// <param name="capacity">The number of slots of the file.</param>
    /// <param name="live">For each slot below <paramref name="capacity"/>, whether a catalog entry references it.</param>
    /// <param name="catalogDurable">Whether the catalog as read is durable; when not, no free slot is reused before it is.</param>
    public static VectorSlotAllocator ForOpenedFile(int capacity, Func<int, bool> live, bool catalogDurable)
    {
        var allocator = new VectorSlotAllocator(capacity);
        var end = capacity;
        while (end > 0 && !live(end - 1))
        {
            end--;
        }

        allocator._nextFresh = catalogDurable ? end : capacity;
        var freeUpTo = catalogDurable ? end : capacity;
        for (var slot = 0; slot < freeUpTo; slot++)
        {
            if (!live(slot))
            {
                if (catalogDurable)
                {
                    allocator._holes.Enqueue(slot, slot);
                }
                else
                {
                    allocator._quarantine.Add(slot);
                }
            }
        }

        return allocator;
    }

    /// <summary>Takes <paramref name="count"/> free slots.</summary>
    /// <exception cref="InvalidOperationException">Fewer slots are <see cref="Available"/>.</exception>
    public int[] Take(int count)
    {
        if (count > Available)
        {
            throw new InvalidOperationException($"{count} vector slots were asked for, but only {Available} are free.");
        }

        var slots = new int[count];
        for (var i = 0; i < count; i++)
        {
            slots[i] = _holes.TryDequeue(out var hole, out _) ? hole : _nextFresh++;
        }

        return slots;
    }

    /// <summary>Gives back slots taken but never made live (their write failed before the catalog commit).</summary>
    public void Return(IEnumerable<int> slots)
    {
        foreach (var slot in slots)
        {
            _holes.Enqueue(slot, slot);
        }
    }

    /// <summary>Frees a slot whose entry a catalog commit removed; it is reused once the commit is durable.</summary>
    public void Release(int slot) => _quarantine.Add(slot);

    /// <summary>Makes every quarantined slot reusable; call after the catalog was made durable.</summary>
    public void PromoteQuarantined()
    {
        foreach (var slot in _quarantine)
        {
            _holes.Enqueue(slot, slot);
        }

        _quarantine.Clear();
    }

    /// <summary>Adds the slots of a grown file.</summary>
    public void Grow(int capacity) => Capacity = Math.Max(Capacity, capacity);
}
