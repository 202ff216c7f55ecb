namespace DocPipeline.Tests.Ingestion;

/// <summary>
/// Arms one <see cref="FaultPoint"/>; the wrapped real component throws there (once per arming), after running an
/// optional check of what a user would see at that moment (a search).
/// </summary>
internal sealed class FaultInjector
{
    private FaultPoint _armed;
    private int _skip;
    private int _largestWrite;

    public Func<Task>? AtFault { get; set; }

    public int Fired { get; private set; }

    /// <summary>Gets the most chunks one write to an index or to the registry's staging held (a count of what was held at once).</summary>
    public int LargestWrite => Volatile.Read(ref _largestWrite);

    public void Arm(FaultPoint point) => Arm(point, skip: 0);

    /// <summary>Arms <paramref name="point"/> to fail after it has been passed <paramref name="skip"/> times.</summary>
    public void Arm(FaultPoint point, int skip) => (_armed, _skip) = (point, skip);

    /// <summary>Records the size of one write.</summary>
    public void Written(int chunks)
    {
        int seen;
        while (chunks > (seen = Volatile.Read(ref _largestWrite)) && Interlocked.CompareExchange(ref _largestWrite, chunks, seen) != seen)
        {
        }
    }

    public void Disarm() => _armed = FaultPoint.None;

    public async Task HitAsync(FaultPoint point)
    {
        if (_armed != point || _skip-- > 0)
        {
            return;
        }

        _armed = FaultPoint.None;
        Fired++;
        if (AtFault is { } check)
        {
            await check();
        }

        throw new IOException($"Injected fault at {point}.");
    }
}
