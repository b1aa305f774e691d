using Microsoft.Extensions.Logging;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Grpc;
using NotifyBroker.Grpc.Server;
using NotifyBroker.Server.Hosting;
using NotifyBroker.Server.Mapping;
using NotifyBroker.Server.Observability;

namespace NotifyBroker.Server.Notifier;

/// <summary>
/// Moves one subscription onto one response stream: the Open event, then batches (everything ready, each event's
/// shared bytes written with BufferHint, one flush per batch), a keepalive whenever the stream has been idle for the
/// keepalive interval, and at the end the status that tells the client why and where to resume.
/// </summary>
/// <remarks>
/// A subscriber that stops reading fills the HTTP/2 flow-control window and the response buffer; our write then waits
/// (see <see cref="WaitForStalledWriteAsync"/>). While it waits the subscription only holds a cursor into history (no
/// queue of its own), so a stuck client cannot pin anything beyond those fixed-size buffers.
/// </remarks>
internal sealed class SubscriptionPump
{
    /// <summary>Flush at least this often, so one busy stream never holds a long unflushed run of events.</summary>
    private const int MaxBatch = 128;

    /// <summary>How often a write that makes no progress checks whether its subscription has overflowed.</summary>
    private static readonly TimeSpan StallCheckInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>How long an overflowed subscriber may leave a write stalled before its stream is reset.</summary>
    internal static readonly TimeSpan StalledStreamGrace = TimeSpan.FromSeconds(10);

    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    private readonly Subscription _subscription;
    private readonly IServerStreamWriter<Event> _stream;
    private readonly TimeSpan _keepaliveInterval;
    private readonly long _capacity;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _peer;
    private readonly CancellationToken _callAborted;
    private readonly CancellationToken _brokerStopping;
    private readonly Action _abort;
    private readonly SubscribeStreamTrace? _trace = SubscribeStreamTrace.ForCurrentStream();

    // Everything up to here is in the response stream (written, if not yet flushed): where a stream ended by the
    // watchdog resumes. Never ahead of what the client will receive before the status.
    private StreamPosition _handedOver;

    public SubscriptionPump(
        Subscription subscription,
        IServerStreamWriter<Event> stream,
        ServerCallContext context,
        TimeSpan keepaliveInterval,
        int capacity,
        CancellationToken brokerStopping,
        TimeProvider time,
        ILogger logger)
    {
        _subscription = subscription;
        _stream = stream;
        _keepaliveInterval = keepaliveInterval;
        _capacity = capacity;
        _time = time;
        _logger = logger;
        _peer = context.Peer;
        _callAborted = context.CancellationToken;
        _brokerStopping = brokerStopping;
        _abort = context.HttpContext.Abort;
        _handedOver = subscription.LastPosition;
    }

    public async Task RunAsync()
    {
        // Cancels a write stuck on a client that does not read; linked to the call so a client cancel also ends it.
        using var writes = CancellationTokenSource.CreateLinkedTokenSource(_callAborted);
        _stream.WriteOptions = Buffered;

        var open = _subscription.Open;
        ServerLog.SubscriptionOpened(_logger, _peer, open.Current.ToString(), open.Recovered);
        await WriteAsync(EventMapping.Open(open, _keepaliveInterval, _time.GetUtcNow()), writes).ConfigureAwait(false);
        await FlushAsync(writes).ConfigureAwait(false);

        var idle = NewIdleTimer();
        try
        {
            while (true)
            {
                idle.CancelAfter(_keepaliveInterval);
                bool more;
                try
                {
                    more = await _subscription.WaitToReadAsync(idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_callAborted.IsCancellationRequested)
                {
                    ServerLog.SubscriptionCancelled(_logger, _peer, _subscription.LastPosition.ToString());
                    return;
                }
                catch (OperationCanceledException) when (_brokerStopping.IsCancellationRequested)
                {
                    throw StreamEnds.BrokerStopping(_subscription.LastPosition);
                }
                catch (OperationCanceledException)
                {
                    // Idle for a whole interval: tell the client we are alive and how far the stream has come.
                    _handedOver = _subscription.LastPosition;
                    await WriteAsync(EventMapping.Keepalive(_handedOver, _time.GetUtcNow()), writes).ConfigureAwait(false);
                    await FlushAsync(writes).ConfigureAwait(false);
                    idle.Dispose();
                    idle = NewIdleTimer();
                    continue;
                }

                if (!more)
                {
                    throw EndOf(_subscription.Completion);
                }

                // The timer must not fire while we write; if it already has, start a fresh one.
                if (!idle.TryReset())
                {
                    idle.Dispose();
                    idle = NewIdleTimer();
                }

                var written = 0;
                while (written < MaxBatch && _subscription.TryRead(out var brokerEvent))
                {
                    await WriteSerializedAsync(EventMapping.Encode(brokerEvent), writes).ConfigureAwait(false);
                    _handedOver = brokerEvent.Position;
                    _trace?.Delivered(brokerEvent);
                    written++;
                }

                await FlushAsync(writes).ConfigureAwait(false);
            }
        }
        finally
        {
            idle.Dispose();
            _trace?.Complete();
        }
    }

    private CancellationTokenSource NewIdleTimer() => CancellationTokenSource.CreateLinkedTokenSource(_callAborted, _brokerStopping);

    private Exception EndOf(SubscriptionCompletion? completion)
    {
        switch (completion?.Reason)
        {
            case SubscriptionEndReason.Overflow:
                ServerLog.SlowConsumer(_logger, _peer, completion.ResumeAfter.ToString());
                return StreamEnds.SlowConsumer(completion.ResumeAfter, _capacity);
            case SubscriptionEndReason.BrokerStopped:
                return StreamEnds.BrokerStopping(completion.ResumeAfter);
            default:
                // Disposed under us: only the host does that, when the call is already over.
                return new RpcException(new Status(StatusCode.Cancelled, "The subscription was closed."));
        }
    }

    private Task WriteAsync(Event message, CancellationTokenSource writes) =>
        AwaitWriteAsync(new ValueTask(_stream.WriteAsync(message, writes.Token)), writes);

    private Task WriteSerializedAsync(byte[] message, CancellationTokenSource writes) =>
        AwaitWriteAsync(_stream.WriteSerializedAsync(message, writes.Token), writes);

    private Task FlushAsync(CancellationTokenSource writes) => AwaitWriteAsync(_stream.FlushAsync(writes.Token), writes);

    private Task AwaitWriteAsync(ValueTask write, CancellationTokenSource writes)
    {
        if (write.IsCompletedSuccessfully)
        {
            return Task.CompletedTask;
        }

        return WaitForStalledWriteAsync(write.AsTask(), writes);
    }

    /// <summary>
    /// The slow path: the client is not taking data. Waiting costs nothing beyond the stream's fixed buffers (the
    /// subscription is a cursor into history), and a client that reads again gets what was written and then, once the
    /// subscription has fallen more than its capacity behind, RESOURCE_EXHAUSTED with its resume position. A status
    /// cannot overtake data stuck behind HTTP/2 flow control, though, so a client that stays overflowed and silent for
    /// <see cref="StalledStreamGrace"/> (or any stalled stream when the broker stops) is reset instead: the SDK then
    /// resumes from the last event it yielded.
    /// </summary>
    private async Task WaitForStalledWriteAsync(Task write, CancellationTokenSource writes)
    {
        long? overflowedAt = null;
        while (!write.IsCompleted)
        {
            await Task.WhenAny(write, Task.Delay(StallCheckInterval, _time, CancellationToken.None)).ConfigureAwait(false);
            if (write.IsCompleted)
            {
                break;
            }

            var stopping = _brokerStopping.IsCancellationRequested;
            if (_subscription.Lag > _capacity)
            {
                overflowedAt ??= _time.GetTimestamp();
            }

            if (stopping || (overflowedAt is { } since && _time.GetElapsedTime(since) >= StalledStreamGrace))
            {
                ServerLog.StalledStreamReset(_logger, _peer, _handedOver.ToString());
                ServerTelemetry.StreamResets.Add(1);
                _abort();
                await writes.CancelAsync().ConfigureAwait(false);
                await SwallowCancellation(write).ConfigureAwait(false);
                throw stopping ? StreamEnds.BrokerStopping(_handedOver) : StreamEnds.SlowConsumer(_handedOver, _capacity);
            }
        }

        await write.ConfigureAwait(false);
    }

    private static async Task SwallowCancellation(Task write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
