using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.Tracing;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core;
using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Server.Errors;
using NotifyBroker.Server.Hosting;
using NotifyBroker.Server.Mapping;
using NotifyBroker.Server.Observability;

namespace NotifyBroker.Server.Notifier;

/// <summary>
/// Moves one subscription onto one response stream: the Open event, then batches (what is ready, up to
/// <see cref="MaxBatch"/> events and <see cref="BrokerOptions.MaxBatchBytes"/> bytes, each event's shared bytes
/// written with BufferHint, then one flush of the response body per batch), a keepalive whenever the stream has been
/// idle for the keepalive interval, and at the end the status that tells the client why and where to resume.
/// </summary>
/// <remarks>
/// The pump owns no timer. The <see cref="StreamWatchdog"/> shared by all streams wakes it when a keepalive is due
/// (by cancelling <see cref="_wake"/>, the token it parks with) and watches flushes that do not finish at once. On the
/// hot path the pump only stores its phase and counts slow flushes; nothing is allocated per batch.
/// <para>
/// A subscriber that stops reading fills the HTTP/2 flow-control window, so our flush waits with the batch in the
/// response buffer: a stream holds at most one batch, which the byte bound keeps to
/// <see cref="BrokerOptions.MaxBatchBytes"/> (or one event, if that is larger), whatever the size of its events.
/// The subscription itself is a cursor into history and holds nothing. A client that reads again gets what was
/// written and then, once the subscription has fallen more than its capacity behind, RESOURCE_EXHAUSTED with its
/// resume position.
/// </para>
/// <para>
/// The drain rule: a write or flush that has not completed within <see cref="BrokerOptions.StreamDrainTimeout"/>
/// ends the stream, overflowed or not (a client reading too slowly to take one batch in that time). So does a stall
/// of <see cref="StalledStreamGrace"/> once the subscription has overflowed, and any stall when the broker stops.
/// A status cannot overtake data stuck behind HTTP/2 flow control, so these streams are reset (RST_STREAM): the
/// client's resume position is the last event it received (the SDK resumes from the last event it yielded), and the
/// call ends on the server with RESOURCE_EXHAUSTED SLOW_CONSUMER (ErrorInfo metadata "cause" = "drain_timeout" for the
/// drain rule) or BROKER_STOPPING and the same position, which the log also names. Resetting frees the buffered batch.
/// </para>
/// <para>
/// The write path. The Open event and keepalives go through Grpc.AspNetCore's stream writer (the first write starts
/// the response and sends its headers). The events of a batch are written by the pump itself into the response body,
/// each as its gRPC frame (the 5-byte prefix, then the event's shared bytes), copied one after another into the
/// body's buffers and committed a buffer at a time: the bytes the writer would put there, without its per-message
/// cost (it writes the prefix and the payload separately, each taking Kestrel's output lock twice, and adds its own
/// lock and two async methods per message). The pump does so
/// only while the writer would write exactly these bytes and nobody watches the writer's own work
/// (<see cref="DecideWritePath"/>): the writer is Grpc.AspNetCore's own (not a test's or an interceptor's wrapper),
/// the response is not compressed (no grpc-encoding negotiated or set for the call, or its WriteOptions say
/// NoCompress), and neither Grpc.AspNetCore.Server's event counters nor its debug log are on. Otherwise every message
/// goes through the writer. Either way a message over MaxSendMessageSize ends the call with RESOURCE_EXHAUSTED, as the
/// writer ends it, after the messages before it, and a write after the request was aborted fails as the writer's does.
/// </para>
/// </remarks>
internal sealed partial class SubscriptionPump
{
    /// <summary>Flush at least this often, so one busy stream never holds a long unflushed run of events.</summary>
    internal const int MaxBatch = 128;

    /// <summary>What gRPC adds to each message on the wire: the compressed flag and the 4-byte length.</summary>
    internal const int FrameHeaderBytes = 5;

    private static readonly BrokerOptions DefaultLimits = new();

    /// <summary>How long a flush may make no progress before the watchdog checks whether its subscription has overflowed.</summary>
    internal static readonly TimeSpan StallCheckInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>How long an overflowed subscriber may leave a write stalled before its stream is reset.</summary>
    internal static readonly TimeSpan StalledStreamGrace = TimeSpan.FromSeconds(10);

    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    // What the pump writes itself, it writes as Grpc.AspNetCore's writer would: the same frames, the same limit and
    // the same failures (see DecideWritePath).
    private static readonly Type? GrpcStreamWriterType =
        typeof(GrpcServiceOptions).Assembly.GetType("Grpc.AspNetCore.Server.Internal.HttpContextStreamWriter`1")?.MakeGenericType(typeof(byte[]));

    private static readonly Status SendingMessageExceedsLimit = new(StatusCode.ResourceExhausted, "Sending message exceeds the maximum configured message size.");

    // Grpc.AspNetCore.Server's event source (its "messages-sent" counter among others) and the category of its
    // per-message debug log: while either is on, messages go through the writer, which counts and logs them.
    private const string GrpcEventSourceName = "Grpc.AspNetCore.Server";
    private const string GrpcCallLoggerName = "Grpc.AspNetCore.Server.ServerCallHandler";
    private const string GrpcEncodingHeader = "grpc-encoding";

    // Frames up to this size are copied into the body's buffers whole (Kestrel's are 4 KiB); a larger one is written
    // as the writer writes it: the prefix, then the payload copied in buffer-sized pieces.
    private const int SingleSpanFrameBytes = 4096;

    private static EventSource? s_grpcEvents;

    // What the pump is doing, as the watchdog sees it.
    private const int Running = 0;   // reading or writing what is ready
    private const int Parked = 1;    // waiting for the next event
    private const int Writing = 2;   // waiting for a flush (or write) that did not finish at once

    // Why the watchdog reset the stream.
    private const int NotReset = 0;
    private const int ResetOverflowed = 1;
    private const int ResetStopping = 2;
    private const int ResetDrainTimeout = 3;

    // Who may touch the HttpContext from outside: the watchdog aborts only while the gate is open, and the pump closes
    // it before the call ends (waiting out an abort in progress), so an abort never reaches a context Kestrel has
    // since recycled for another stream.
    private const int GateOpen = 0;
    private const int GateAborting = 1;
    private const int GateClosed = 2;

    /// <summary>What a watchdog sweep found a pump needs.</summary>
    internal enum Attention
    {
        None,
        Wake,
        Reset,
    }

    private readonly Subscription _subscription;
    private readonly IServerStreamWriter<byte[]> _stream;
    private readonly PipeWriter _body;
    private readonly ServerCallContext _context;
    private readonly HttpContext _httpContext;
    private readonly TimeSpan _keepaliveInterval;
    private readonly long _capacity;
    private readonly int _maxBatchBytes;
    private readonly TimeSpan _drainTimeout;
    private readonly StreamWatchdog _watchdog;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _callAborted;
    private readonly CancellationToken _brokerStopping;
    private readonly SubscribeStreamTrace? _trace = SubscribeStreamTrace.ForCurrentStream();

    // The write path (DecideWritePath, once the response has started): whether the pump writes events itself, and
    // then the largest message it may write (Grpc:MaxSendMessageSize, the service's own if it has one) and the token
    // that ends the request, which the writer checks before every write.
    private bool _writesFrames;
    private int _maxSendMessageSize = int.MaxValue;
    private CancellationToken _requestAborted;

    // The response body's buffer the pump is copying frames into, and how much of it they fill: committed (Advance)
    // when the next frame does not fit and at the end of each batch, then let go (the buffer is the body's to reuse).
    private Memory<byte> _frames;
    private int _framed;

    // Everything up to here is in the response stream (written, if not yet flushed): where a stream ended by the
    // watchdog resumes. Never ahead of what the client will receive before the status.
    private StreamPosition _handedOver;

    // The token the pump parks with. The watchdog cancels it to wake the pump; the pump replaces a cancelled one.
    // Never disposed: it holds no timer, and the watchdog may still be cancelling one the pump has just replaced.
    private CancellationTokenSource _wake = new();

    // An event read for a batch that had no room left for it: the first of the next batch. Pump only.
    private BrokerEvent? _carried;

    // Shared with the watchdog thread.
    private int _phase;
    private int _gate;
    private long _batchBytes;     // the bytes of the batch last written (what a stalled flush holds), for the log
    private long _parkedAt;       // timestamp: when the pump last parked after writing something
    private int _slowWrites;      // counts slow writes, so the watchdog tells one stalled write from the next
    private int _resetBy;

    // The watchdog's own bookkeeping (sweep thread only).
    private int _watchedWrite = -1;
    private long _watchedSince;
    private long _overflowedAt;
    private bool _overflowed;
    private int _pendingReset;

    public SubscriptionPump(
        Subscription subscription,
        IServerStreamWriter<byte[]> stream,
        ServerCallContext context,
        TimeSpan keepaliveInterval,
        int capacity,
        StreamWatchdog watchdog,
        CancellationToken brokerStopping,
        ILogger logger,
        BrokerOptions? limits = null)
    {
        _subscription = subscription;
        _stream = stream;
        _context = context;
        _httpContext = context.GetHttpContext();
        _body = _httpContext.Response.BodyWriter;
        _keepaliveInterval = keepaliveInterval;
        _capacity = capacity;
        _watchdog = watchdog;
        _time = watchdog.Time;
        _logger = logger;
        _callAborted = context.CancellationToken;
        _brokerStopping = brokerStopping;
        _handedOver = subscription.LastPosition;

        // The byte bounds come from the broker's settings (resolved once per stream when the caller passes none).
        limits ??= _httpContext.RequestServices?.GetService<Broker>()?.Options ?? DefaultLimits;
        _maxBatchBytes = limits.MaxBatchBytes;
        _drainTimeout = limits.StreamDrainTimeout;
    }

    /// <summary>The pump's place in the watchdog's list (guarded by the watchdog's lock).</summary>
    internal int WatchdogSlot { get; set; } = -1;

    internal TimeSpan KeepaliveInterval => _keepaliveInterval;

    /// <summary>Run the stream until it ends, however it ends; then dispose the subscription (releasing its held aliases).</summary>
    public async Task RunAsync()
    {
        using var subscription = _subscription;
        _stream.WriteOptions = Buffered;

        // A client that goes away wakes a parked pump at once (the watchdog would only notice at its next tick).
        using var cancelled = _callAborted.UnsafeRegister(static state => ((SubscriptionPump)state!).Wake(), this);
        _watchdog.Add(this);
        try
        {
            var open = _subscription.Open;
            ServerLog.SubscriptionOpened(_logger, _context.Peer, open.Current.ToString(), open.Recovered);
            await WriteAsync(EventMapping.Open(open, _keepaliveInterval, _time.GetUtcNow())).ConfigureAwait(false);
            DecideWritePath();

            while (true)
            {
                // One flush for everything written since the last one (every write carries BufferHint, and
                // IServerStreamWriter has no flush of its own). A flush that does not finish at once is awaited
                // right here, so it reuses this method's state machine instead of allocating one.
                var flush = _body.FlushAsync(_callAborted);
                if (!flush.IsCompletedSuccessfully)
                {
                    EnterSlowWrite();
                    try
                    {
                        await flush.ConfigureAwait(false);
                    }
                    catch (Exception) when (WasReset)
                    {
                        // The watchdog reset the stream under this flush: ThrowIfReset says why.
                    }
                    finally
                    {
                        Volatile.Write(ref _phase, Running);
                    }

                    ThrowIfReset();
                }

                if (_callAborted.IsCancellationRequested)
                {
                    // The client went away; a flush into a closed stream completes without error.
                    ServerLog.SubscriptionCancelled(_logger, _context.Peer, _subscription.LastPosition.ToString());
                    return;
                }

                // An event carried over from a full batch is consumed already: write it now, without waiting.
                if (_carried is null)
                {
                    // Wait for the next batch, or until a keepalive is due.
                    var wroteSinceParked = true; // the next park restarts the idle clock
                    var keepalive = false;
                    bool more;
                    while (true)
                    {
                        try
                        {
                            _callAborted.ThrowIfCancellationRequested();
                            var wait = _subscription.WaitToReadAsync(_wake.Token);
                            if (wait.IsCompleted)
                            {
                                more = wait.GetAwaiter().GetResult();
                            }
                            else
                            {
                                if (wroteSinceParked)
                                {
                                    Volatile.Write(ref _parkedAt, _time.GetTimestamp());
                                    wroteSinceParked = false;
                                }

                                Volatile.Write(ref _phase, Parked);
                                try
                                {
                                    more = await wait.ConfigureAwait(false);
                                }
                                finally
                                {
                                    Volatile.Write(ref _phase, Running);
                                }
                            }

                            break;
                        }
                        catch (OperationCanceledException) when (_callAborted.IsCancellationRequested)
                        {
                            ServerLog.SubscriptionCancelled(_logger, _context.Peer, _subscription.LastPosition.ToString());
                            return;
                        }
                        catch (OperationCanceledException) when (_brokerStopping.IsCancellationRequested)
                        {
                            throw StreamEnds.BrokerStopping(_subscription.LastPosition);
                        }
                        catch (OperationCanceledException)
                        {
                            // The watchdog woke us. Unless that wake was meant for a wait that an event ended meanwhile,
                            // the stream has been idle for a whole interval. (A full fence: a client cancel that comes
                            // now either sees the new source or is seen by the next wait's check below.)
                            Interlocked.Exchange(ref _wake, new CancellationTokenSource());
                            if (!wroteSinceParked && _time.GetElapsedTime(Volatile.Read(ref _parkedAt)) >= _keepaliveInterval)
                            {
                                keepalive = true;
                                more = true;
                                break;
                            }
                        }
                    }

                    if (keepalive)
                    {
                        // Tell the client we are alive and how far the stream has come.
                        _handedOver = _subscription.LastPosition;
                        await WriteAsync(EventMapping.Keepalive(_handedOver, _time.GetUtcNow())).ConfigureAwait(false);
                        continue;
                    }

                    if (!more)
                    {
                        throw EndOf(_subscription.Completion);
                    }
                }

                // A batch: what is ready, up to MaxBatch events and MaxBatchBytes bytes (at least one event, however
                // large). An event that would take the batch past its bytes waits, consumed, for the next batch, so
                // the bound holds without peeking at the subscription.
                var written = 0;
                long batchBytes = 0;
                var writesFrames = _writesFrames && s_grpcEvents?.IsEnabled() != true; // for the whole batch
                while (written < MaxBatch)
                {
                    var brokerEvent = _carried;
                    if (brokerEvent is not null)
                    {
                        _carried = null;
                    }
                    else if (!_subscription.TryRead(out brokerEvent))
                    {
                        break;
                    }

                    var encoded = EventMapping.Encode(brokerEvent);
                    var frameBytes = (long)encoded.Length + FrameHeaderBytes;
                    if (written > 0 && batchBytes + frameBytes > _maxBatchBytes)
                    {
                        _carried = brokerEvent;
                        break;
                    }

                    if (writesFrames)
                    {
                        // Into the response body, as the writer would (see the remarks); never waits.
                        WriteFrame(encoded);
                    }
                    else
                    {
                        // No token: Grpc.AspNetCore would register it once per message; the call's own abort ends a write.
                        var write = _stream.WriteAsync(encoded);
                        if (!write.IsCompletedSuccessfully)
                        {
                            await AwaitSlowWriteAsync(new ValueTask(write)).ConfigureAwait(false);
                        }
                    }

                    _handedOver = brokerEvent.Position;
                    _trace?.Delivered(brokerEvent);
                    batchBytes += frameBytes;
                    written++;
                }

                if (writesFrames)
                {
                    CommitFrames();
                }

                Volatile.Write(ref _batchBytes, batchBytes);
            }
        }
        catch (BrokerException error)
        {
            // The interceptor translates what the handler throws before the stream runs; this is the same rule after.
            throw NotifyStatus.FromBrokerException(error);
        }
        catch (Exception error) when (WasReset && error is not RpcException)
        {
            // The watchdog reset the stream under a write that was not a slow one (the abort refuses later writes).
            throw ResetEnd()!;
        }
        catch (Exception error) when (error is InvalidOperationException or OperationCanceledException && _callAborted.IsCancellationRequested && !WasReset)
        {
            // The client went away under a write or flush. Grpc.AspNetCore's writer then refuses writes with
            // InvalidOperationException ("the request is complete"), and a flush fails as cancelled: either way this
            // stream alone ends, as a cancellation.
            ServerLog.SubscriptionCancelled(_logger, _context.Peer, _subscription.LastPosition.ToString());
        }
        finally
        {
            _watchdog.Remove(this);
            _trace?.Complete();

            // From here on no abort may reach this HttpContext: once the call ends, Kestrel reuses it for another
            // stream. An abort already under way is this stream's own; wait it out (it takes no time) without
            // blocking the thread, which may be the one Kestrel's abort needs.
            while (Interlocked.CompareExchange(ref _gate, GateClosed, GateOpen) == GateAborting)
            {
                await Task.Yield();
            }
        }
    }

    /// <summary>Called by a watchdog sweep, under its lock, for every open pump: what does this one need now?</summary>
    internal Attention Inspect(long now, bool stopping)
    {
        switch (Volatile.Read(ref _phase))
        {
            case Parked:
                if (stopping || _callAborted.IsCancellationRequested)
                {
                    return Attention.Wake;
                }

                return _time.GetElapsedTime(Volatile.Read(ref _parkedAt), now) >= _keepaliveInterval ? Attention.Wake : Attention.None;

            case Writing:
                var write = Volatile.Read(ref _slowWrites);
                if (write != _watchedWrite)
                {
                    // A slow write we have not seen before: it gets its own check interval, grace period and drain time.
                    _watchedWrite = write;
                    _watchedSince = now;
                    _overflowed = false;
                    return Attention.None;
                }

                var stalledFor = _time.GetElapsedTime(_watchedSince, now);
                if (stalledFor < StallCheckInterval)
                {
                    return Attention.None;
                }

                if (stopping)
                {
                    _pendingReset = ResetStopping;
                    return Attention.Reset;
                }

                // The drain rule: the client has not taken this batch in the time allowed, overflowed or not.
                if (stalledFor >= _drainTimeout)
                {
                    _pendingReset = ResetDrainTimeout;
                    return Attention.Reset;
                }

                if (!_overflowed && _subscription.Lag > _capacity)
                {
                    _overflowed = true;
                    _overflowedAt = now;
                }

                if (_overflowed && _time.GetElapsedTime(_overflowedAt, now) >= StalledStreamGrace)
                {
                    _pendingReset = ResetOverflowed;
                    return Attention.Reset;
                }

                return Attention.None;

            default:
                return Attention.None;
        }
    }

    /// <summary>
    /// Called by a watchdog sweep, outside its lock, with what <see cref="Inspect"/> found. A reset aborts the
    /// stream only if the write that <see cref="Inspect"/> found stalled is still the one in progress, and only while
    /// the call is still running (the gate): never a stream whose client caught up meanwhile, and never a context that
    /// has moved on to another call.
    /// </summary>
    internal void Attend(Attention attention)
    {
        if (attention == Attention.Wake)
        {
            Wake();
            return;
        }

        if (attention != Attention.Reset || Interlocked.CompareExchange(ref _gate, GateAborting, GateOpen) != GateOpen)
        {
            return; // the call is ending or has ended: its context may already belong to another stream
        }

        try
        {
            if (Volatile.Read(ref _phase) != Writing || Volatile.Read(ref _slowWrites) != _watchedWrite)
            {
                return; // the client took the data meanwhile
            }

            var reason = _pendingReset;
            if (Interlocked.CompareExchange(ref _resetBy, reason, NotReset) != NotReset)
            {
                return; // already reset; the write has not returned yet
            }

            if (reason == ResetDrainTimeout)
            {
                Log.DrainTimeoutReset(_logger, _context.Peer, Volatile.Read(ref _batchBytes), _drainTimeout, _handedOver.ToString());
            }
            else
            {
                ServerLog.StalledStreamReset(_logger, _context.Peer, _handedOver.ToString());
            }

            ServerTelemetry.StreamResets.Add(1);
            _httpContext.Abort(); // ends the stalled flush (and the call's token)
        }
        finally
        {
            Volatile.Write(ref _gate, GateOpen);
        }
    }

    /// <summary>A sweep's inspection or attention of this pump threw: log it; the sweep goes on with the other streams.</summary>
    internal void ReportWatchdogFault(Exception error)
    {
        try
        {
            Log.WatchdogFault(_logger, _context.Peer, error);
        }
        catch (Exception logFailure) when (logFailure is not OutOfMemoryException)
        {
            // Nowhere left to report it; the sweep must not fail for it.
        }
    }

    /// <summary>Cancel the token the pump parks with. The pump may have left the wait meanwhile; it tells a stale wake apart.</summary>
    private void Wake() => Volatile.Read(ref _wake).Cancel();

    private Exception EndOf(SubscriptionCompletion? completion)
    {
        switch (completion?.Reason)
        {
            case SubscriptionEndReason.Overflow:
                ServerLog.SlowConsumer(_logger, _context.Peer, completion.ResumeAfter.ToString());
                return StreamEnds.SlowConsumer(completion.ResumeAfter, _capacity);
            case SubscriptionEndReason.BrokerStopped:
                return StreamEnds.BrokerStopping(completion.ResumeAfter);
            case SubscriptionEndReason.EngineUnavailable:
                return StreamEnds.EngineUnavailable(completion.ResumeAfter);
            default:
                // Disposed under us: only the host does that, when the call is already over.
                return new RpcException(new Status(StatusCode.Cancelled, "The subscription was closed."));
        }
    }

    /// <summary>
    /// Whether the pump writes the events of its batches itself (see the remarks), decided once the first write has
    /// started the response: its headers, grpc-encoding among them, cannot change from then on.
    /// </summary>
    private void DecideWritePath()
    {
        if (GrpcStreamWriterType is null || _stream.GetType() != GrpcStreamWriterType)
        {
            return; // another writer (a test's, an interceptor's wrapper) must see every message
        }

        // Grpc.AspNetCore compresses a message when the call has a response encoding (sent as grpc-encoding: the
        // configured ResponseCompressionAlgorithm the client accepts, or one the call set) unless its WriteOptions say
        // NoCompress. Then every message goes through the writer.
        var encoding = _httpContext.Response.Headers[GrpcEncodingHeader];
        var compressed = encoding.Count > 0 && !string.Equals(encoding.ToString(), "identity", StringComparison.Ordinal) &&
                         (_stream.WriteOptions?.Flags & WriteFlags.NoCompress) != WriteFlags.NoCompress;
        var services = _httpContext.RequestServices;
        if (compressed || services is null ||
            services.GetService<ILoggerFactory>()?.CreateLogger(GrpcCallLoggerName).IsEnabled(LogLevel.Debug) != false)
        {
            return;
        }

        // Its event source exists once any call has started (each call's start reports to it).
        s_grpcEvents ??= EventSource.GetSources().FirstOrDefault(static source => source.Name == GrpcEventSourceName);

        // The limit Grpc.AspNetCore applies to this method: the service's own options (AddServiceOptions copies the
        // global ones into them) or else the global ones; none means no limit. (A service that explicitly sets no
        // limit under a global one gets the global one here: its options do not tell that apart from unset.)
        _maxSendMessageSize = services.GetService<IOptions<GrpcServiceOptions<NotifierService>>>()?.Value.MaxSendMessageSize
                              ?? services.GetService<IOptions<GrpcServiceOptions>>()?.Value.MaxSendMessageSize
                              ?? int.MaxValue;
        _requestAborted = _httpContext.Features.Get<IHttpRequestLifetimeFeature>()?.RequestAborted ?? _httpContext.RequestAborted;
        _writesFrames = true;
    }

    /// <summary>
    /// One event as its gRPC frame, straight into the response body (uncompressed), with the checks the writer makes:
    /// the request still running, and the message within MaxSendMessageSize (else RESOURCE_EXHAUSTED, as the writer
    /// ends the call, after the frames before it). Frames are copied one after another into the body's buffer and
    /// committed a buffer at a time (<see cref="CommitFrames"/>), so a batch of small events takes Kestrel's output
    /// lock about twice per 4 KiB instead of four times per message; nothing is sent before the batch's flush, as
    /// with the writer's BufferHint writes.
    /// </summary>
    private void WriteFrame(byte[] message)
    {
        if (_requestAborted.IsCancellationRequested)
        {
            // What the writer throws here; RunAsync ends the stream as it does for the writer's.
            throw new InvalidOperationException("Can't write the message because the request is complete.");
        }

        if (message.Length > _maxSendMessageSize)
        {
            CommitFrames();
            throw new RpcException(SendingMessageExceedsLimit);
        }

        var frameBytes = FrameHeaderBytes + message.Length;
        if (_frames.Length - _framed < frameBytes)
        {
            CommitFrames();
            if (frameBytes > SingleSpanFrameBytes)
            {
                // As the writer writes it: the prefix, then the payload a buffer at a time.
                var prefix = _body.GetSpan(FrameHeaderBytes);
                prefix[0] = 0;
                BinaryPrimitives.WriteUInt32BigEndian(prefix[1..], (uint)message.Length);
                _body.Advance(FrameHeaderBytes);
                _body.Write(message);
                return;
            }

            _frames = _body.GetMemory(frameBytes);
        }

        var frame = _frames.Span.Slice(_framed, frameBytes);
        frame[0] = 0; // not compressed
        BinaryPrimitives.WriteUInt32BigEndian(frame[1..], (uint)message.Length);
        message.CopyTo(frame[FrameHeaderBytes..]);
        _framed += frameBytes;
    }

    /// <summary>Hands the frames copied so far to the response body and lets go of its buffer.</summary>
    private void CommitFrames()
    {
        if (_framed > 0)
        {
            _body.Advance(_framed);
        }

        _frames = default;
        _framed = 0;
    }

    /// <summary>A message of this stream alone (Open, keepalive): encoded here, written like the shared ones.</summary>
    private ValueTask WriteAsync(Event message)
    {
        var write = _stream.WriteAsync(message.ToByteArray());
        return write.IsCompletedSuccessfully ? ValueTask.CompletedTask : AwaitSlowWriteAsync(new ValueTask(write));
    }

    /// <summary>
    /// A buffered write that did not finish at once (rare: only flushes wait for the client). Awaited directly, no
    /// timer and no extra task; the watchdog watches it like a slow flush.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitSlowWriteAsync(ValueTask write)
    {
        EnterSlowWrite();
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception) when (WasReset)
        {
            // The watchdog reset the stream under this write: ThrowIfReset says why.
        }
        finally
        {
            Volatile.Write(ref _phase, Running);
        }

        ThrowIfReset();
    }

    private bool WasReset => Volatile.Read(ref _resetBy) != NotReset;

    /// <summary>The client is not taking data as fast as we write: from here on the watchdog watches this write.</summary>
    private void EnterSlowWrite()
    {
        Volatile.Write(ref _slowWrites, _slowWrites + 1);
        Volatile.Write(ref _phase, Writing);
    }

    /// <summary>After a slow write: end with the status that says why, if the watchdog reset the stream under it.</summary>
    private void ThrowIfReset()
    {
        if (ResetEnd() is { } end)
        {
            throw end;
        }
    }

    /// <summary>The status of a stream the watchdog reset (resuming after what was handed over), or null if it was not.</summary>
    private RpcException? ResetEnd() => Volatile.Read(ref _resetBy) switch
    {
        ResetStopping => StreamEnds.BrokerStopping(_handedOver),
        ResetOverflowed => StreamEnds.SlowConsumer(_handedOver, _capacity),
        ResetDrainTimeout => StreamEnds.DrainTimeout(_handedOver, _drainTimeout),
        _ => null,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 14, Level = LogLevel.Warning,
            Message = "Stream to {Peer} reset: its client had not taken the {Bytes} bytes last written within {DrainTimeout} (Broker:StreamDrainTimeout); events up to {Position} were written to it, and it resumes after the last one it received")]
        public static partial void DrainTimeoutReset(ILogger logger, string peer, long bytes, TimeSpan drainTimeout, string position);

        [LoggerMessage(EventId = 15, Level = LogLevel.Error, Message = "The stream watchdog failed on the stream to {Peer}; it goes on with the other streams")]
        public static partial void WatchdogFault(ILogger logger, string peer, Exception error);
    }
}
