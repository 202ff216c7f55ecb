namespace DocPipeline.Tests.Ingestion;

/// <summary>
/// Arms one <see cref="FaultPoint"/>; the wrapped real component throws there (once per arming), after running an
/// optional check of what a user would see at that moment (a search).
/// </summary>
internal sealed class FaultInjector
{
    private FaultPoint _armed;

    public Func<Task>? AtFault { get; set; }

    public int Fired { get; private set; }

    /// <summary>Gets or sets how many hits of the armed point pass before the one that fails.</summary>
    public int HitsBeforeFault { get; set; }

    public void Arm(FaultPoint point) => _armed = point;

    public void Disarm() => _armed = FaultPoint.None;

    public async Task HitAsync(FaultPoint point)
    {
        if (_armed != point)
        {
            return;
        }

        if (HitsBeforeFault > 0)
        {
            HitsBeforeFault--;
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
