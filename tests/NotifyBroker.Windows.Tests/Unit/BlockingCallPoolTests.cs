using NotifyBroker.Core.Errors;
using NotifyBroker.Windows.Threading;

namespace NotifyBroker.Windows.Tests.Unit;

/// <summary>
/// The dedicated threads of the Win32 desktop's blocking calls. A "blocking call" here waits on a gate the test opens;
/// every wait of the test itself is bounded (a guard against hangs, never an assertion on time).
/// </summary>
public sealed class BlockingCallPoolTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly List<string> _log = [];
    private readonly List<ManualResetEventSlim> _gates = [];
    private BlockingCallPool? _pool;

    public void Dispose()
    {
        foreach (ManualResetEventSlim gate in _gates)
        {
            gate.Set();
        }

        _pool?.Dispose();
    }

    private BlockingCallPool Pool(int threads, int maxWaiting) =>
        _pool = new BlockingCallPool("test", threads, maxWaiting, "Test:Threads", TimeProvider.System, line =>
        {
            lock (_log)
            {
                _log.Add(line);
            }
        });

    private ManualResetEventSlim Gate()
    {
        var gate = new ManualResetEventSlim();
        _gates.Add(gate);
        return gate;
    }

    private static BrokerException TimedOut() => new(Win32Error.ERROR_TIMEOUT, "test limit");

    private static Task<T> Run<T>(BlockingCallPool pool, Func<T> call, TimeSpan? limit = null, CancellationToken cancellationToken = default) =>
        pool.RunAsync("TestCall", call, limit ?? Timeout.InfiniteTimeSpan, TimedOut, cancellationToken);

    /// <summary>Starts a call that blocks until <paramref name="gate"/> opens, and waits until it is on its thread.</summary>
    private static Task<int> Block(BlockingCallPool pool, ManualResetEventSlim gate, TimeSpan? limit = null, CancellationToken cancellationToken = default)
    {
        using var started = new ManualResetEventSlim();
        Task<int> call = Run(pool, () =>
        {
            started.Set();
            gate.Wait(Guard);
            return 1;
        }, limit, cancellationToken);
        Assert.True(started.Wait(Guard), "the blocking call never started");
        return call;
    }

    private static void WaitUntil(Func<bool> condition)
    {
        Assert.True(SpinWait.SpinUntil(condition, Guard), "the condition never held");
    }

    [Fact]
    public async Task Calls_run_on_the_pools_own_threads_never_on_the_thread_pool()
    {
        BlockingCallPool pool = Pool(threads: 2, maxWaiting: 0);

        (bool onPool, string? name) = await Run(pool, () => (Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.Name));

        Assert.False(onPool);
        Assert.StartsWith("NotifyBroker test ", name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_past_its_limit_fails_with_the_limits_error_and_finishes_behind_its_caller()
    {
        BlockingCallPool pool = Pool(threads: 1, maxWaiting: 0);
        ManualResetEventSlim gate = Gate();

        var error = await Assert.ThrowsAsync<BrokerException>(() => Block(pool, gate, limit: TimeSpan.FromMilliseconds(50)));

        Assert.Equal(Win32Error.ERROR_TIMEOUT, error.Code);
        Assert.Equal(1, pool.Running);

        gate.Set();
        WaitUntil(() => pool.Running == 0);
        WaitUntil(() => { lock (_log) { return _log.Count == 1; } });
        Assert.Contains("TestCall returned", _log[0], StringComparison.Ordinal);
        Assert.Equal(2, await Run(pool, () => 2));
    }

    [Fact]
    public async Task A_cancelled_caller_stops_waiting_and_the_call_goes_on()
    {
        BlockingCallPool pool = Pool(threads: 1, maxWaiting: 0);
        ManualResetEventSlim gate = Gate();
        using var cancel = new CancellationTokenSource();

        Task<int> call = Block(pool, gate, cancellationToken: cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, pool.Running);
        gate.Set();
        WaitUntil(() => pool.Running == 0);
    }

    [Fact]
    public async Task Beyond_its_threads_and_its_queue_the_pool_refuses_at_once_with_RESOURCE_EXHAUSTEDs_code()
    {
        BlockingCallPool pool = Pool(threads: 1, maxWaiting: 1);
        ManualResetEventSlim gate = Gate();
        Task<int> running = Block(pool, gate);
        Task<int> waiting = Run(pool, () => 2);

        var error = await Assert.ThrowsAsync<BrokerException>(() => Run(pool, () => 3));

        Assert.Equal(Win32Error.ERROR_NOT_ENOUGH_QUOTA, error.Code);
        Assert.Equal(BlockingCallPool.LimitName, error.Details["limit"]);
        Assert.Contains("Test:Threads", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, pool.Waiting);

        gate.Set();
        Assert.Equal((1, 2), (await running, await waiting));
        Assert.Equal(4, await Run(pool, () => 4));
    }

    [Fact]
    public async Task A_call_abandoned_while_it_waits_for_a_thread_never_runs_and_frees_its_place()
    {
        BlockingCallPool pool = Pool(threads: 1, maxWaiting: 1);
        ManualResetEventSlim gate = Gate();
        Task<int> running = Block(pool, gate);
        bool ran = false;

        var error = await Assert.ThrowsAsync<BrokerException>(() => Run(pool, () => ran = true, limit: TimeSpan.FromMilliseconds(20)));
        Assert.Equal(Win32Error.ERROR_TIMEOUT, error.Code);
        Assert.Equal(0, pool.Waiting);

        // Its place in the queue is free again, and the pool runs in order: had it stayed queued, it would run first.
        Task<int> next = Run(pool, () => 5);
        gate.Set();
        Assert.Equal((1, 5), (await running, await next));
        Assert.False(ran);
    }

    [Fact]
    public async Task A_failing_call_fails_its_caller_and_its_thread_carries_on()
    {
        BlockingCallPool pool = Pool(threads: 1, maxWaiting: 0);

        var error = await Assert.ThrowsAsync<BrokerException>(() =>
            Run<int>(pool, () => throw new BrokerException(Win32Error.ERROR_ACCESS_DENIED, "denied")));

        Assert.Equal(Win32Error.ERROR_ACCESS_DENIED, error.Code);
        Assert.Equal(6, await Run(pool, () => 6));
    }

    [Fact]
    public async Task A_hung_call_holds_only_its_own_thread()
    {
        BlockingCallPool pool = Pool(threads: 2, maxWaiting: 0);
        ManualResetEventSlim gate = Gate();
        await Assert.ThrowsAsync<BrokerException>(() => Block(pool, gate, limit: TimeSpan.FromMilliseconds(20)));

        // One thread is still in the hung call; the other serves, and a third call at once is over the bound.
        ManualResetEventSlim second = Gate();
        Task<int> other = Block(pool, second);
        var error = await Assert.ThrowsAsync<BrokerException>(() => Run(pool, () => 0));
        Assert.Equal(Win32Error.ERROR_NOT_ENOUGH_QUOTA, error.Code);

        second.Set();
        Assert.Equal(1, await other);
    }
}
