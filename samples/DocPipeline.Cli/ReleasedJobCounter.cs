using System.Diagnostics.Metrics;

namespace DocPipeline.Cli;

/// <summary>
/// Counts the jobs this process gave back (released without counting the attempt) while it stopped, from DocPipeline's
/// <c>docpipeline.jobs.duration</c> metric, whose <c>docpipeline.job.outcome</c> tag is <c>released</c> for them.
/// </summary>
internal sealed class ReleasedJobCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private int _released;

    public ReleasedJobCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "DocPipeline" && instrument.Name == "docpipeline.jobs.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "docpipeline.job.outcome", Value: "released" })
                {
                    Interlocked.Increment(ref _released);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>Gets how many jobs were given back so far.</summary>
    public int Released => Volatile.Read(ref _released);

    public void Dispose() => _listener.Dispose();
}
