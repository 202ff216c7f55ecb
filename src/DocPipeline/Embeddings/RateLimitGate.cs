namespace DocPipeline.Embeddings;

/// <summary>
/// The condition every embedding call of the process shares: a pause that a rate-limited answer starts (as long as the
/// service asked), and a limit on calls in flight that halves on each rate-limit episode and grows back by one after
/// as many successes as the limit (additive increase, multiplicative decrease).
/// </summary>
/// <remarks>
/// A call enters with <see cref="EnterAsync"/> and leaves with <see cref="Exit"/>. Each call carries the episode it
/// started in: rate-limited answers of calls that were already in flight when the limit dropped do not drop it again.
/// </remarks>
internal sealed class RateLimitGate
{
    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource> _waiters = new();
    private readonly TimeProvider _time;
    private readonly int _maxLimit;
    private int _limit;
    private int _inFlight;
    private int _successes;
    private long _episode;
    private DateTimeOffset _resumeAt = DateTimeOffset.MinValue;

    public RateLimitGate(int maxLimit, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLimit, 1);
        _maxLimit = maxLimit;
        _limit = maxLimit;
        _time = time;
    }

    /// <summary>Gets the current limit on calls in flight.</summary>
    public int Limit
    {
        get
        {
            lock (_lock)
            {
                return _limit;
            }
        }
    }

    /// <summary>Waits out any pause, then takes a place among the calls in flight.</summary>
    /// <returns>The episode the call starts in, and how long it waited on pauses.</returns>
    public async ValueTask<(long Episode, TimeSpan Paused)> EnterAsync(CancellationToken cancellationToken)
    {
        var paused = TimeSpan.Zero;
        while (true)
        {
            var remaining = PauseRemaining();
            if (remaining > TimeSpan.Zero)
            {
                var started = _time.GetTimestamp();
                await Task.Delay(remaining, _time, cancellationToken).ConfigureAwait(false);
                paused += _time.GetElapsedTime(started);
                continue;
            }

            TaskCompletionSource waiter;
            lock (_lock)
            {
                if (_inFlight < _limit)
                {
                    _inFlight++;
                    return (_episode, paused);
                }

                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Enqueue(waiter);
            }

            try
            {
                await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Handed a place just as it gave up: pass it on.
                if (!waiter.TrySetCanceled(cancellationToken))
                {
                    Exit();
                }

                throw;
            }

            // A place was handed over; a pause that began meanwhile still comes first.
            if (PauseRemaining() > TimeSpan.Zero)
            {
                Exit();
                continue;
            }

            lock (_lock)
            {
                return (_episode, paused);
            }
        }
    }

    /// <summary>Gives back a place taken by <see cref="EnterAsync"/>.</summary>
    public void Exit()
    {
        lock (_lock)
        {
            _inFlight--;
            WakeWaiters();
        }
    }

    /// <summary>Records a successful call: after as many successes as the limit, the limit grows by one.</summary>
    public void Succeeded()
    {
        lock (_lock)
        {
            if (_limit < _maxLimit && ++_successes >= _limit)
            {
                _limit++;
                _successes = 0;
                WakeWaiters();
            }
        }
    }

    /// <summary>Records a rate-limited answer: pauses every call for <paramref name="wait"/>, and halves the limit once per episode.</summary>
    /// <param name="episode">The episode the rate-limited call started in.</param>
    /// <param name="wait">How long the service asked to wait.</param>
    public void RateLimited(long episode, TimeSpan wait)
    {
        lock (_lock)
        {
            var resumeAt = _time.GetUtcNow() + wait;
            if (resumeAt > _resumeAt)
            {
                _resumeAt = resumeAt;
            }

            if (episode == _episode)
            {
                _episode++;
                _limit = Math.Max(1, _limit / 2);
                _successes = 0;
            }
        }
    }

    private TimeSpan PauseRemaining()
    {
        lock (_lock)
        {
            return _resumeAt - _time.GetUtcNow();
        }
    }

    /// <summary>Hands free places to waiters, oldest first. Call under the lock.</summary>
    private void WakeWaiters()
    {
        while (_inFlight < _limit && _waiters.TryDequeue(out var waiter))
        {
            if (waiter.TrySetResult())
            {
                _inFlight++;
            }
        }
    }
}
