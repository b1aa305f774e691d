namespace NotifyBroker.Server.Notifier;

/// <summary>
/// The one timer behind every Subscribe stream's keepalives and stalled-write checks. Every tick it looks at each open
/// <see cref="SubscriptionPump"/>: a pump parked for longer than its keepalive interval (or once the broker is
/// stopping) is woken; a pump whose write has made no progress is reset once it has not drained within the drain
/// timeout, or has overflowed and stayed stalled for the grace period. Pumps themselves hold no timer and arm
/// nothing per batch: on the hot path they only store a phase and a counter, and a timestamp when they park.
/// </summary>
/// <remarks>
/// The timer runs only while a stream is open, every <see cref="FineResolution"/> while some stream has a short
/// keepalive interval and every <see cref="CoarseResolution"/> otherwise: a sweep touches every open stream, so at
/// thousands of streams it should not run more often than the keepalives need.
/// <para>
/// A sweep runs on a timer thread (and on the thread that signals the broker's stop), where an exception would end
/// the process: a fault with one stream is logged with that stream and the sweep goes on with the others. Sweeps never
/// overlap; a stop signalled while one runs makes that one sweep again, so the stop is acted on at once.
/// </para>
/// </remarks>
internal sealed class StreamWatchdog
{
    /// <summary>The tick while some stream's keepalive interval is short: its keepalives come at most this much late.</summary>
    internal static readonly TimeSpan FineResolution = TimeSpan.FromMilliseconds(50);

    /// <summary>The tick otherwise: keepalives at most this much late (5% of the shortest interval), stall checks too.</summary>
    internal static readonly TimeSpan CoarseResolution = TimeSpan.FromMilliseconds(250);

    /// <summary>Keepalive intervals below this need the fine tick.</summary>
    internal static readonly TimeSpan ShortKeepalive = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _time;
    private readonly CancellationToken _brokerStopping;
    private readonly Lock _sync = new();

    // Open pumps, densely packed; each knows its own slot so that leaving is O(1). Guarded by _sync.
    private SubscriptionPump[] _pumps = new SubscriptionPump[16];
    private int _count;
    private int _shortKeepalives;
    private ITimer? _timer;
    private TimeSpan _period;

    // Sweep-thread state: one sweep at a time (a slow sweep makes the next tick skip, not overlap).
    private int _sweeping;
    private readonly List<(SubscriptionPump Pump, SubscriptionPump.Attention Attention)> _due = [];

    // Set when the broker's stop asks for a sweep; whoever is sweeping then sweeps once more, so a stop signalled
    // during a sweep (which that sweep may not have seen) is not left to the next tick.
    private int _stopSweepDue;

    public StreamWatchdog(TimeProvider time, CancellationToken brokerStopping)
    {
        _time = time;
        _brokerStopping = brokerStopping;

        // Stopping wakes every parked stream and resets stalled ones now, not at the next tick.
        brokerStopping.UnsafeRegister(static state => ((StreamWatchdog)state!).SweepForStop(), this);
    }

    public TimeProvider Time => _time;

    public void Add(SubscriptionPump pump)
    {
        lock (_sync)
        {
            if (_count == _pumps.Length)
            {
                Array.Resize(ref _pumps, _pumps.Length * 2);
            }

            pump.WatchdogSlot = _count;
            _pumps[_count++] = pump;
            if (pump.KeepaliveInterval < ShortKeepalive)
            {
                _shortKeepalives++;
            }

            if (_timer is null)
            {
                // No ExecutionContext (the first stream's trace and log scopes) flows into the shared timer.
                using (ExecutionContext.SuppressFlow())
                {
                    _period = PeriodUnderLock();
                    _timer = _time.CreateTimer(static state => ((StreamWatchdog)state!).Sweep(), this, _period, _period);
                }
            }
            else
            {
                AdjustPeriodUnderLock();
            }
        }
    }

    public void Remove(SubscriptionPump pump)
    {
        lock (_sync)
        {
            var slot = pump.WatchdogSlot;
            var last = _pumps[--_count];
            _pumps[slot] = last;
            last.WatchdogSlot = slot;
            _pumps[_count] = null!;
            pump.WatchdogSlot = -1;
            if (pump.KeepaliveInterval < ShortKeepalive)
            {
                _shortKeepalives--;
            }

            if (_count == 0)
            {
                _timer?.Dispose();
                _timer = null;
            }
            else
            {
                AdjustPeriodUnderLock();
            }

            // Give memory back after a crowd of subscribers has left.
            if (_pumps.Length > 64 && _count < _pumps.Length / 4)
            {
                Array.Resize(ref _pumps, _pumps.Length / 2);
            }
        }
    }

    private TimeSpan PeriodUnderLock() => _shortKeepalives > 0 ? FineResolution : CoarseResolution;

    private void AdjustPeriodUnderLock()
    {
        var period = PeriodUnderLock();
        if (period != _period)
        {
            _period = period;
            _timer!.Change(period, period);
        }
    }

    private void SweepForStop()
    {
        Volatile.Write(ref _stopSweepDue, 1);
        Sweep();
    }

    private void Sweep()
    {
        while (Interlocked.Exchange(ref _sweeping, 1) == 0)
        {
            try
            {
                // A stop that asks from here on is seen by this sweep or makes it sweep again. (Full fences here and
                // at the release: the stop sets its flag before it tries to sweep.)
                Interlocked.Exchange(ref _stopSweepDue, 0);
                SweepOnce();
                while (Interlocked.Exchange(ref _stopSweepDue, 0) != 0)
                {
                    SweepOnce();
                }
            }
            finally
            {
                Interlocked.Exchange(ref _sweeping, 0);
            }

            // A stop that asked between the last look and the release found the sweep still running: sweep for it.
            if (Volatile.Read(ref _stopSweepDue) == 0)
            {
                return;
            }
        }
    }

    private void SweepOnce()
    {
        try
        {
            var now = _time.GetTimestamp();
            var stopping = _brokerStopping.IsCancellationRequested;
            lock (_sync)
            {
                for (var i = 0; i < _count; i++)
                {
                    var pump = _pumps[i];
                    try
                    {
                        var attention = pump.Inspect(now, stopping);
                        if (attention != SubscriptionPump.Attention.None)
                        {
                            _due.Add((pump, attention));
                        }
                    }
                    catch (Exception error) when (error is not OutOfMemoryException)
                    {
                        pump.ReportWatchdogFault(error);
                    }
                }
            }

            // Outside the lock: waking runs cancellation callbacks and resetting aborts a stream in Kestrel. A pump
            // may have ended since it was inspected; Attend then leaves it (and its recycled context) alone.
            foreach (var (pump, attention) in _due)
            {
                try
                {
                    pump.Attend(attention);
                }
                catch (Exception error) when (error is not OutOfMemoryException)
                {
                    pump.ReportWatchdogFault(error);
                }
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // Nothing above should get here; if anything does, the next tick sweeps again.
        }
        finally
        {
            _due.Clear();
        }
    }
}
