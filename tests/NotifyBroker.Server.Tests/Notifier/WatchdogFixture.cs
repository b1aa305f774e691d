using System.Collections.Concurrent;
using System.IO.Pipelines;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using NotifyBroker.Server.Tests.TestSupport;
using NotifyBroker.Core;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Server.Notifier;

namespace NotifyBroker.Server.Tests.Notifier;

// Pumps over fake responses for the watchdog tests: no sockets, no Kestrel, and a clock that moves only when told.

/// <summary>A broker holding three 10 KB WM_COPYDATA events, and pumps whose flushes the test holds.</summary>
internal sealed class WatchdogBroker : IAsyncDisposable
{
    private const uint WM_COPYDATA = 0x004A;

    private readonly InMemoryDesktop _desktop = new();
    private readonly Broker _broker;

    private WatchdogBroker(BrokerOptions options)
    {
        Options = options;
        _broker = new Broker(_desktop, options);
    }

    public BrokerOptions Options { get; }

    public ByteLimitPumpHarness.ManualClock Clock { get; } = new();

    /// <param name="drainTimeout">Broker:StreamDrainTimeout.</param>
    /// <param name="capacity">Broker:SubscriberQueueCapacity, which the pumps are given too.</param>
    public static async Task<WatchdogBroker> StartAsync(TimeSpan? drainTimeout = null, int capacity = 1000)
    {
        var broker = new WatchdogBroker(new BrokerOptions
        {
            StreamDrainTimeout = drainTimeout ?? TimeSpan.FromSeconds(1),
            MaxBatchBytes = 64 * 1024,
            SubscriberQueueCapacity = capacity,
        });
        await broker._broker.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await broker._desktop.BroadcastFromAsync(2000, new BroadcastCommand(0, 0, WM_COPYDATA, (ulong)i, 0,
                new WindowMessagePayload.CopyData(1, new byte[10_000]), TimeSpan.FromSeconds(1)));
        }

        return broker;
    }

    public StreamWatchdog Watchdog(CancellationToken stopping) => new(Clock, stopping);

    /// <summary>More WM_COPYDATA events: the ones the pumps' subscriptions want.</summary>
    public async Task PublishOwnAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _desktop.BroadcastFromAsync(2000, new BroadcastCommand(0, 0, WM_COPYDATA, (ulong)i, 0,
                new WindowMessagePayload.CopyData(1, new byte[100]), TimeSpan.FromSeconds(1)));
        }
    }

    /// <summary>Traffic the pumps' subscriptions never asked for: WM_APP+1 broadcasts.</summary>
    public async Task PublishOthersAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _desktop.BroadcastFromAsync(2000, new BroadcastCommand(0, 0, 0x8001, (ulong)i, 0, null, TimeSpan.FromSeconds(1)));
        }
    }

    /// <summary>
    /// A pump that has written the three events and waits on its flush, already seen so by one sweep. With
    /// <paramref name="releaseInline"/>, releasing the flush runs the pump on inline, as a transport thread would.
    /// </summary>
    /// <param name="watchdog">The watchdog the pump reports to.</param>
    /// <param name="releaseInline">Whether releasing the held flush runs the pump on inline.</param>
    /// <param name="stopping">The broker's stop, as the pump sees it (the watchdog's own is given to it).</param>
    public WatchdogPump Stall(StreamWatchdog watchdog, bool releaseInline = false, CancellationToken stopping = default)
    {
        var subscription = _broker.Subscribe(new SubscriptionRequest { MessageIds = [WM_COPYDATA], After = new StreamPosition(0, _broker.Epoch) });
        var pump = new WatchdogPump(subscription, watchdog, Options, releaseInline, holdFlushes: true, stopping);
        Assert.True(pump.Body.FlushPending);
        Clock.Fire(); // the watchdog sees the slow flush
        return pump;
    }

    /// <summary>A pump that has written its Open event and waits for an event (none comes).</summary>
    public WatchdogPump Park(StreamWatchdog watchdog, CancellationToken stopping = default)
    {
        var subscription = _broker.Subscribe(new SubscriptionRequest { MessageIds = [WM_COPYDATA] });
        var pump = new WatchdogPump(subscription, watchdog, Options, releaseInline: false, holdFlushes: false, stopping);
        Assert.False(pump.Run.IsCompleted);
        return pump;
    }

    public async ValueTask DisposeAsync()
    {
        await _broker.DisposeAsync();
        await _desktop.DisposeAsync();
    }
}

/// <summary>One pump on a fake response: its first flush (the Open event's) passes, and the next are held if asked.</summary>
internal sealed class WatchdogPump : IAsyncDisposable
{
    private readonly CancellationTokenSource _callAborted = new();
    private readonly Subscription _subscription;

    public WatchdogPump(Subscription subscription, StreamWatchdog watchdog, BrokerOptions options, bool releaseInline, bool holdFlushes, CancellationToken stopping)
    {
        _subscription = subscription;
        Body = new ByteLimitPumpHarness.RecordingBodyWriter(new ConcurrentQueue<ByteLimitPumpHarness.Step>())
        {
            PassFirst = 1,
            HoldFlushes = holdFlushes,
            ReleaseInline = releaseInline,
        };
        Lifetime = new Aborter(this);
        var http = new DefaultHttpContext();
        http.Features.Set<IHttpResponseBodyFeature>(new PipeResponseBody(Body));
        http.Features.Set<IHttpRequestLifetimeFeature>(Lifetime);
        var pump = new SubscriptionPump(subscription, new NullStreamWriter(), new FakeSubscribeCallContext(http, _callAborted.Token), TimeSpan.FromHours(1),
            options.SubscriberQueueCapacity, watchdog, stopping, Logger, options);
        Run = pump.RunAsync();
    }

    public ByteLimitPumpHarness.RecordingBodyWriter Body { get; }

    public Aborter Lifetime { get; }

    public WatchdogLogger Logger { get; } = new();

    public Task Run { get; }

    public async ValueTask DisposeAsync()
    {
        await _callAborted.CancelAsync();
        Body.ReleaseFlush();
        try
        {
            await Run.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (Exception error) when (error is RpcException or OperationCanceledException)
        {
            // How the test ended the stream.
        }

        _subscription.Dispose();
        _callAborted.Dispose();
    }

    /// <summary>HttpContext.Abort(), as Kestrel does it (ends a pending flush, cancels the call), or a throw.</summary>
    public sealed class Aborter(WatchdogPump pump) : IHttpRequestLifetimeFeature
    {
        private int _aborts;

        public int Aborts => Volatile.Read(ref _aborts);

        public Exception? FailWith { get; set; }

        /// <summary>Whether the pump's call had ended when the abort reached it.</summary>
        public bool? CallEndedAtAbort { get; private set; }

        public CancellationToken RequestAborted { get; set; }

        public void Abort()
        {
            if (FailWith is { } failure)
            {
                throw failure;
            }

            Interlocked.Increment(ref _aborts);
            CallEndedAtAbort = pump.Run.IsCompleted;
            pump.Body.ReleaseFlush(completed: true);
            pump._callAborted.Cancel();
        }
    }

    private sealed class NullStreamWriter : IServerStreamWriter<byte[]>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(byte[] message) => Task.CompletedTask;
    }

}

/// <summary>Keeps what is logged at warning and above; can run a hook at each entry, or throw at one event id.</summary>
internal sealed class WatchdogLogger : ILogger
{
    public ConcurrentQueue<(int Id, Exception? Error)> Entries { get; } = new();

    public Action<int>? OnLog { get; set; }

    public (int Id, Exception Error)? FailOn { get; set; }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        Entries.Enqueue((eventId.Id, exception));
        OnLog?.Invoke(eventId.Id);
        if (FailOn is { } fail && fail.Id == eventId.Id)
        {
            throw fail.Error;
        }
    }
}
