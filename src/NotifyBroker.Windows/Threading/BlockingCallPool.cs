using NotifyBroker.Core.Errors;

namespace NotifyBroker.Windows.Threading;

/// <summary>
/// A small, fixed set of dedicated threads for the Win32 calls that block for as long as another program (or a user)
/// takes: BroadcastSystemMessageExW waiting on each recipient of a synchronous send, WTSSendMessageW waiting for the
/// user's answer. None of them can be interrupted, so they never run on the thread pool, where each would hold a pool
/// thread for as long as it blocks.
/// <list type="bullet">
/// <item>At most <see cref="Threads"/> calls run at once, and at most <see cref="MaxWaiting"/> more wait for a thread.
/// A call beyond that is refused at once with ERROR_NOT_ENOUGH_QUOTA (RESOURCE_EXHAUSTED, detail limit =
/// <see cref="LimitName"/>): a hung recipient costs a thread, never an unbounded number of them.</item>
/// <item>A caller waits at most its limit and until its cancellation token fires. Then it gets the limit's failure
/// (ERROR_TIMEOUT, DEADLINE_EXCEEDED) or an <see cref="OperationCanceledException"/>; a call that had not started
/// never starts, and one that had goes on to its end on its thread, its outcome logged and dropped.</item>
/// </list>
/// </summary>
internal sealed class BlockingCallPool : IDisposable
{
    /// <summary>The ErrorInfo "limit" of a refusal.</summary>
    public const string LimitName = "desktop_threads";

    private readonly object _sync = new();
    private readonly LinkedList<IWorkItem> _waiting = new();
    private readonly string _name;
    private readonly string _setting;
    private readonly TimeProvider _time;
    private readonly Action<string> _log;
    private int _running;
    private bool _disposed;

    /// <param name="name">What the threads are for ("broadcast"), in thread names and messages.</param>
    /// <param name="threads">How many dedicated threads (at least 1).</param>
    /// <param name="maxWaiting">How many calls may wait for a thread (0: none).</param>
    /// <param name="setting">The settings that size the pool, named in a refusal.</param>
    /// <param name="time">The clock of the callers' limits.</param>
    /// <param name="log">Hears of calls that ended after their caller stopped waiting.</param>
    public BlockingCallPool(string name, int threads, int maxWaiting, string setting, TimeProvider time, Action<string> log)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxWaiting);
        _name = name;
        _setting = setting;
        _time = time;
        _log = log;
        Threads = threads;
        MaxWaiting = maxWaiting;
        for (int i = 0; i < threads; i++)
        {
            // Background: a call that never returns must not keep the process alive.
            new Thread(Work) { IsBackground = true, Name = $"NotifyBroker {name} {i + 1}" }.Start();
        }
    }

    /// <summary>The dedicated threads.</summary>
    public int Threads { get; }

    /// <summary>How many calls may wait for a thread.</summary>
    public int MaxWaiting { get; }

    /// <summary>Calls on a thread right now, whether or not their callers still wait for them.</summary>
    public int Running
    {
        get { lock (_sync) { return _running; } }
    }

    /// <summary>Calls waiting for a thread.</summary>
    public int Waiting
    {
        get { lock (_sync) { return _waiting.Count; } }
    }

    /// <summary>
    /// Runs <paramref name="call"/> on one of the dedicated threads and waits for it, at most <paramref name="limit"/>
    /// (<see cref="Timeout.InfiniteTimeSpan"/>: no limit) and until <paramref name="cancellationToken"/> fires.
    /// </summary>
    /// <param name="what">The call, for the log ("BroadcastSystemMessageExW").</param>
    /// <param name="call">The blocking call. Its exceptions reach the caller while the caller waits.</param>
    /// <param name="limit">How long the caller waits.</param>
    /// <param name="timedOut">The failure the caller gets when <paramref name="limit"/> passes first.</param>
    /// <param name="cancellationToken">The caller's call (its deadline, its cancellation).</param>
    /// <exception cref="BrokerException">ERROR_NOT_ENOUGH_QUOTA when every thread is busy and the queue is full; the failure of <paramref name="timedOut"/>.</exception>
    public async Task<T> RunAsync<T>(string what, Func<T> call, TimeSpan limit, Func<BrokerException> timedOut, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(timedOut);
        cancellationToken.ThrowIfCancellationRequested();
        var item = new WorkItem<T>(what, call, _time);
        Enqueue(item);
        try
        {
            return await item.Completion.WaitAsync(limit, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!item.Completion.IsCompleted)
        {
            Abandon(item);
            throw timedOut();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !item.Completion.IsCompleted)
        {
            Abandon(item);
            throw;
        }
    }

    public void Dispose()
    {
        IWorkItem[] dropped;
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            dropped = [.. _waiting];
            _waiting.Clear();
            Monitor.PulseAll(_sync);
        }

        // Threads in a call finish it and end; nobody waits for them (a call may never return).
        foreach (IWorkItem item in dropped)
        {
            item.Node = null;
            item.Fail(new ObjectDisposedException(nameof(BlockingCallPool), $"The desktop stopped before {item.What} could run."));
        }
    }

    private void Enqueue(IWorkItem item)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // A running call holds its thread until it returns, whether or not anybody still waits for it.
            if (_running + _waiting.Count >= Threads + MaxWaiting)
            {
                throw BrokerException.OverLimit(
                    LimitName,
                    $"All {Threads} of the desktop's {_name} threads are in blocking Win32 calls and {MaxWaiting} more calls already wait " +
                    $"for one ({_setting}): a recipient or a session is slow or hung. Retry later.");
            }

            item.Node = _waiting.AddLast(item);
            Monitor.Pulse(_sync);
        }
    }

    /// <summary>The caller stopped waiting: a call that has not started never will; a running one finishes behind it.</summary>
    private void Abandon(IWorkItem item)
    {
        lock (_sync)
        {
            if (item.Node is { } node)
            {
                _waiting.Remove(node);
                item.Node = null;
                return;
            }
        }

        item.ReportWhenDone(_log);
    }

    private void Work()
    {
        while (true)
        {
            IWorkItem item;
            lock (_sync)
            {
                while (_waiting.First is null && !_disposed)
                {
                    Monitor.Wait(_sync);
                }

                if (_waiting.First is not { } first)
                {
                    return;
                }

                item = first.Value;
                _waiting.RemoveFirst();
                item.Node = null;
                _running++;
            }

            try
            {
                item.Execute();
            }
            finally
            {
                lock (_sync)
                {
                    _running--;
                }
            }
        }
    }

    private interface IWorkItem
    {
        string What { get; }

        /// <summary>Its place in the queue while it waits; null once taken or dropped. Guarded by the pool's lock.</summary>
        LinkedListNode<IWorkItem>? Node { get; set; }

        void Execute();

        void Fail(Exception error);

        void ReportWhenDone(Action<string> log);
    }

    private sealed class WorkItem<T>(string what, Func<T> call, TimeProvider time) : IWorkItem
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _startedAt;

        public string What { get; } = what;

        public LinkedListNode<IWorkItem>? Node { get; set; }

        public Task<T> Completion => _completion.Task;

        public void Execute()
        {
            _startedAt = time.GetTimestamp();
            try
            {
                _completion.TrySetResult(call());
            }
            catch (Exception error)
            {
                // Whatever the call threw belongs to its caller, and must never end the dedicated thread.
                _completion.TrySetException(error);
            }
        }

        public void Fail(Exception error) => _completion.TrySetException(error);

        public void ReportWhenDone(Action<string> log)
        {
            // The outcome nobody waits for any more: logged, and observed so it is never an unobserved exception.
            _completion.Task.ContinueWith(
                done =>
                {
                    TimeSpan took = time.GetElapsedTime(Volatile.Read(ref _startedAt));
                    string outcome = done.IsFaulted ? $"failed ({done.Exception!.InnerException?.Message})" : "returned";
                    log($"{What} {outcome} {took.TotalMilliseconds:F0} ms after it started, after its caller had stopped waiting.");
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }
}
