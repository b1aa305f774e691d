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
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Server.Tests.Notifier;

/// <summary>
/// One <see cref="SubscriptionPump"/> on a fake response (no sockets, no Kestrel) and a clock and watchdog timer that
/// move only when the test says: what the pump writes and flushes is recorded in order, a flush can be held pending
/// like one the client's flow control holds, and the watchdog sweeps when the test fires its timer. Everything the
/// pump does until it waits runs synchronously inside <see cref="Start"/>, so tests need no waiting.
/// </summary>
internal sealed class ByteLimitPumpHarness : IAsyncDisposable
{
    private readonly InMemoryDesktop _desktop = new();
    private readonly Broker _broker;
    private readonly CancellationTokenSource _callAborted = new();
    private Subscription? _subscription;

    private ByteLimitPumpHarness(BrokerOptions options)
    {
        Options = options;
        _broker = new Broker(_desktop, options);
        Body = new RecordingBodyWriter(Log);
        Lifetime = new FakeLifetime(this);
        Watchdog = new StreamWatchdog(Clock, CancellationToken.None);
    }

    public BrokerOptions Options { get; }

    /// <summary>What the pump did, in order: each message written (its bytes) and each flush.</summary>
    public ConcurrentQueue<Step> Log { get; } = new();

    public ManualClock Clock { get; } = new();

    public RecordingBodyWriter Body { get; }

    public FakeLifetime Lifetime { get; }

    public StreamWatchdog Watchdog { get; }

    public CapturingLogger PumpLogger { get; } = new();

    public SubscriptionPump? Pump { get; private set; }

    public Task? Run { get; private set; }

    public static async Task<ByteLimitPumpHarness> CreateAsync(Action<BrokerOptions>? configure = null)
    {
        var options = new BrokerOptions();
        configure?.Invoke(options);
        var harness = new ByteLimitPumpHarness(options);
        await harness._broker.StartAsync();
        return harness;
    }

    /// <summary>Another program sends the listener a WM_COPYDATA of <paramref name="bytes"/> bytes: one event.</summary>
    public async Task PublishAsync(int bytes, int count = 1)
    {
        for (var i = 0; i < count; i++)
        {
            await _desktop.BroadcastFromAsync(2000, new BroadcastCommand(0, 0, WM_COPYDATA, (ulong)i, 0,
                new WindowMessagePayload.CopyData(1, new byte[bytes]), TimeSpan.FromSeconds(1)));
        }
    }

    /// <summary>
    /// Open a subscription that replays everything published so far (so it is all ready at once) and start the pump;
    /// returns once the pump waits (for an event, or for a pending flush).
    /// </summary>
    public void Start(int capacity = 1000)
    {
        _subscription = _broker.Subscribe(new SubscriptionRequest { MessageIds = [WM_COPYDATA], After = new StreamPosition(0, _broker.Epoch) });
        var http = new DefaultHttpContext();
        http.Features.Set<IHttpResponseBodyFeature>(new PipeResponseBody(Body));
        http.Features.Set<IHttpRequestLifetimeFeature>(Lifetime);
        var context = new FakeSubscribeCallContext(http, _callAborted.Token);
        Pump = new SubscriptionPump(_subscription, new RecordingStreamWriter(Log), context, TimeSpan.FromHours(1), capacity, Watchdog,
            CancellationToken.None, PumpLogger, Options);
        Run = Pump.RunAsync();
    }

    /// <summary>The batches of events written, each as the byte counts of its messages (the Open message's flush left out).</summary>
    public List<List<int>> EventBatches()
    {
        var batches = new List<List<int>>();
        var current = new List<int>();
        var first = true;
        foreach (var step in Log)
        {
            if (step.Kind == StepKind.Write)
            {
                current.Add(step.Bytes);
                continue;
            }

            if (!first && current.Count > 0)
            {
                batches.Add(current);
            }

            first = false;
            current = [];
        }

        if (current.Count > 0)
        {
            batches.Add(current);
        }

        return batches;
    }

    /// <summary>The positions of the events written, in order (Open and keepalives left out).</summary>
    public List<ulong> WrittenOffsets() => Log
        .Where(static s => s.Kind == StepKind.Write)
        .Select(static s => Contracts.V1.Event.Parser.ParseFrom(s.Message))
        .Where(static e => e.KindCase == Contracts.V1.Event.KindOneofCase.WindowMessage)
        .Select(static e => e.Position.Offset)
        .ToList();

    /// <summary>The client goes away: the pump ends as a cancelled call.</summary>
    public Task CancelCallAsync()
    {
        _callAborted.Cancel();
        return Run!;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_callAborted.IsCancellationRequested)
        {
            await _callAborted.CancelAsync();
        }

        Body.ReleaseFlush();
        if (Run is not null)
        {
            try
            {
                await Run.WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (Exception error) when (error is RpcException or OperationCanceledException)
            {
                // How the test ended the stream; it asserted what it needed.
            }
        }

        _subscription?.Dispose();
        await _broker.DisposeAsync();
        await _desktop.DisposeAsync();
        _callAborted.Dispose();
    }

    public enum StepKind
    {
        Write,
        Flush,
    }

    public readonly record struct Step(StepKind Kind, int Bytes, byte[]? Message = null);

    /// <summary>A clock whose timestamps and timers move only when told; <see cref="Fire"/> runs every timer's callback once.</summary>
    public sealed class ManualClock : TimeProvider
    {
        private readonly List<ManualTimer> _timers = [];
        private long _ticks = TimeSpan.TicksPerDay;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(GetTimestamp());

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

        /// <summary>Every live timer's tick, now, on this thread.</summary>
        public void Fire()
        {
            ManualTimer[] timers;
            lock (_timers)
            {
                timers = [.. _timers.Where(static t => !t.Disposed)];
            }

            foreach (var timer in timers)
            {
                timer.Callback(timer.State);
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTimer(callback, state);
            lock (_timers)
            {
                _timers.Add(timer);
            }

            return timer;
        }

        private sealed class ManualTimer(TimerCallback callback, object? state) : ITimer
        {
            public TimerCallback Callback { get; } = callback;

            public object? State { get; } = state;

            public bool Disposed { get; private set; }

            public bool Change(TimeSpan dueTime, TimeSpan period) => !Disposed;

            public void Dispose() => Disposed = true;

            public ValueTask DisposeAsync()
            {
                Disposed = true;
                return ValueTask.CompletedTask;
            }
        }
    }

    /// <summary>The response body: records flushes; while <see cref="HoldFlushes"/> is set, a flush stays pending until released.</summary>
    public sealed class RecordingBodyWriter(ConcurrentQueue<Step> log) : PipeWriter
    {
        private readonly byte[] _scratch = new byte[4096];
        private TaskCompletionSource<FlushResult>? _pending;

        public bool HoldFlushes { get; set; }

        /// <summary>How many flushes complete at once before <see cref="HoldFlushes"/> takes effect.</summary>
        public int PassFirst { get; set; }

        /// <summary>Run the pump's continuation inline when a held flush is released (as a transport thread would).</summary>
        public bool ReleaseInline { get; set; }

        public bool FlushPending => _pending is { Task.IsCompleted: false };

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            log.Enqueue(new Step(StepKind.Flush, 0));
            if (!HoldFlushes || PassFirst-- > 0)
            {
                return new ValueTask<FlushResult>(new FlushResult(false, false));
            }

            _pending = new TaskCompletionSource<FlushResult>(ReleaseInline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
            return new ValueTask<FlushResult>(_pending.Task);
        }

        /// <summary>The client took the data (or the stream was aborted): a held flush completes.</summary>
        public void ReleaseFlush(bool completed = false)
        {
            HoldFlushes = false;

            // As on a transport thread: no SynchronizationContext (the test's would keep the continuation from running inline).
            var context = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(null);
            try
            {
                _pending?.TrySetResult(new FlushResult(false, completed));
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(context);
            }
        }

        public override void Advance(int bytes)
        {
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => sizeHint <= _scratch.Length ? _scratch : new byte[sizeHint];

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void CancelPendingFlush() => _pending?.TrySetResult(new FlushResult(true, false));

        public override void Complete(Exception? exception = null)
        {
        }
    }

    /// <summary>
    /// HttpContext.Abort(): counts aborts and, as Kestrel does, ends a pending flush and the call's token. A test can
    /// make it throw (as an abort of a disposed context would) or look at the call at the moment it is hit.
    /// </summary>
    public sealed class FakeLifetime(ByteLimitPumpHarness harness) : IHttpRequestLifetimeFeature
    {
        private int _aborts;

        public int Aborts => Volatile.Read(ref _aborts);

        /// <summary>Thrown from Abort() instead of aborting, when set.</summary>
        public Exception? FailWith { get; set; }

        /// <summary>Whether the pump's call had already ended when the abort reached it (it never should).</summary>
        public bool? CallEndedAtAbort { get; private set; }

        public CancellationToken RequestAborted { get; set; }

        public void Abort()
        {
            if (FailWith is { } failure)
            {
                throw failure;
            }

            Interlocked.Increment(ref _aborts);

            // Kestrel completes the stalled flush (the pump's continuation may run right here) and cancels the call.
            harness.Body.ReleaseFlush(completed: true);
            CallEndedAtAbort = harness.Run!.IsCompleted;
            harness._callAborted.Cancel();
        }
    }

    /// <summary>Records what the pump writes; every write completes at once (only flushes wait for the client).</summary>
    private sealed class RecordingStreamWriter(ConcurrentQueue<Step> log) : IServerStreamWriter<byte[]>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(byte[] message)
        {
            log.Enqueue(new Step(StepKind.Write, message.Length, message));
            return Task.CompletedTask;
        }
    }

    /// <summary>A logger that keeps what the pump logs at warning and above.</summary>
    public sealed class CapturingLogger : ILogger
    {
        public ConcurrentQueue<(LogLevel Level, EventId Id, string Message, Exception? Error)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Entries.Enqueue((logLevel, eventId, formatter(state, exception), exception));
            }
        }
    }
}
