using System.Diagnostics.Metrics;
using DocPipeline.Diagnostics;
using DocPipeline.Jobs;

namespace DocPipeline.Monitoring;

/// <summary>
/// Listens to the <c>DocPipeline</c> meter of this process and keeps what a heartbeat reports: job and chunk counters,
/// their activity in 10-second slots over the last 15 minutes, and the step latencies of the current interval (a
/// bounded sample per step). Measurements of every queue in the process are counted: a heartbeat reports its process.
/// </summary>
internal sealed class WorkerMetrics : IDisposable
{
    /// <summary>How many 10-second slots a heartbeat carries: 15 minutes.</summary>
    internal const int Slots = 15 * 60 / WorkerActivity.SlotSeconds;

    /// <summary>The most latencies kept per step and interval; more are sampled (reservoir), so memory stays bounded.</summary>
    internal const int SamplesPerStep = 512;

    /// <summary>The most steps tracked; a step name past this is dropped.</summary>
    internal const int MaxSteps = 32;

    private readonly MeterListener _listener = new();
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StepSamples> _steps = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, long[]> _activity = [];
    private long _completed;
    private long _failed;
    private long _retried;
    private long _embedded;
    private long _reused;

    public WorkerMetrics(TimeProvider time)
    {
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == DocPipelineDiagnostics.Name && Kind(instrument.Name) != Measure.None)
            {
                listener.EnableMeasurementEvents(instrument, Kind(instrument.Name));
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => OnCount((Measure)state!, value));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == Ingestion.IngestionInstruments.StepTag && tag.Value is string step)
                {
                    OnStep(step, value * 1000);
                }
            }
        });
        _listener.Start();
    }

    private enum Measure
    {
        None,
        Completed,
        Failed,
        Retried,
        Embedded,
        Reused,
        Step,
    }

    public long Completed => Interlocked.Read(ref _completed);

    public long Failed => Interlocked.Read(ref _failed);

    public long Retried => Interlocked.Read(ref _retried);

    public long Embedded => Interlocked.Read(ref _embedded);

    public long Reused => Interlocked.Read(ref _reused);

    /// <summary>The activity slots of the last 15 minutes, oldest first.</summary>
    public IReadOnlyList<WorkerActivity> Activity()
    {
        lock (_gate)
        {
            Trim(CurrentSlot());
            return _activity.Select(a => new WorkerActivity(DateTimeOffset.FromUnixTimeSeconds(a.Key * WorkerActivity.SlotSeconds), a.Value[0], a.Value[1], a.Value[2], a.Value[3])).ToList();
        }
    }

    /// <summary>The step latencies since the last call, and starts a new interval.</summary>
    public IReadOnlyList<WorkerStepLatency> TakeStepLatencies()
    {
        lock (_gate)
        {
            var latencies = _steps.Where(s => s.Value.Count > 0).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Value.Summarize(s.Key)).ToList();
            foreach (var samples in _steps.Values)
            {
                samples.Reset();
            }

            return latencies;
        }
    }

    public void Dispose() => _listener.Dispose();

    private static Measure Kind(string name) => name switch
    {
        "docpipeline.jobs.completed" => Measure.Completed,
        "docpipeline.jobs.failed" => Measure.Failed,
        "docpipeline.jobs.retried" => Measure.Retried,
        "docpipeline.chunks.embedded" => Measure.Embedded,
        "docpipeline.chunks.reused" => Measure.Reused,
        "docpipeline.ingestion.step.duration" => Measure.Step,
        _ => Measure.None,
    };

    private void OnCount(Measure measure, long value)
    {
        var column = measure switch
        {
            Measure.Completed => Add(ref _completed, value, 0),
            Measure.Failed => Add(ref _failed, value, 1),
            Measure.Embedded => Add(ref _embedded, value, 2),
            Measure.Reused => Add(ref _reused, value, 3),
            Measure.Retried => Add(ref _retried, value, -1),
            _ => -1,
        };
        if (column < 0 || value == 0)
        {
            return;
        }

        lock (_gate)
        {
            var slot = CurrentSlot();
            if (!_activity.TryGetValue(slot, out var counts))
            {
                _activity[slot] = counts = new long[4];
                Trim(slot);
            }

            counts[column] += value;
        }
    }

    private static int Add(ref long counter, long value, int column)
    {
        Interlocked.Add(ref counter, value);
        return column;
    }

    private void OnStep(string step, double milliseconds)
    {
        lock (_gate)
        {
            if (!_steps.TryGetValue(step, out var samples))
            {
                if (_steps.Count >= MaxSteps)
                {
                    return;
                }

                _steps[step] = samples = new StepSamples();
            }

            samples.Add(milliseconds);
        }
    }

    private long CurrentSlot() => _time.GetUtcNow().ToUnixTimeSeconds() / WorkerActivity.SlotSeconds;

    private void Trim(long currentSlot)
    {
        while (_activity.Count > 0 && _activity.First().Key <= currentSlot - Slots)
        {
            _activity.Remove(_activity.First().Key);
        }
    }

    /// <summary>A bounded sample of one step's latencies in the current interval (reservoir sampling past <see cref="SamplesPerStep"/>).</summary>
    private sealed class StepSamples
    {
        private readonly List<double> _values = [];
        private double _max;

        public long Count { get; private set; }

        public void Add(double value)
        {
            Count++;
            _max = Math.Max(_max, value);
            if (_values.Count < SamplesPerStep)
            {
                _values.Add(value);
            }
            else if (Random.Shared.NextInt64(Count) is var index && index < SamplesPerStep)
            {
                _values[(int)index] = value;
            }
        }

        public WorkerStepLatency Summarize(string step)
        {
            _values.Sort();
            return new WorkerStepLatency(step, Count, Percentile(0.50), Percentile(0.95), Percentile(0.99), Math.Round(_max, 3));
        }

        public void Reset()
        {
            _values.Clear();
            _max = 0;
            Count = 0;
        }

        private double Percentile(double p) =>
            _values.Count == 0 ? 0 : Math.Round(_values[Math.Min(_values.Count - 1, (int)Math.Ceiling(p * _values.Count) - 1)], 3);
    }
}
