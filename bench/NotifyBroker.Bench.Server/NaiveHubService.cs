using System.Collections.Concurrent;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Bench.Server;

/// <summary>
/// The naive hub: notify.v1.Notifier's Subscribe and Broadcast as a user would write the fan-out with plain
/// grpc-dotnet, the reference the broker's own Subscribe path is compared with (bench/fanout.sh naive).
/// A Channel&lt;Event&gt; per subscriber; Broadcast builds one notify.v1.Event object and offers it to every matching
/// subscriber's channel; each Subscribe call drains its channel with the generated typed writer, one WriteAsync per
/// event (no BufferHint, so Grpc.AspNetCore flushes after every message and serialises the Event again on every
/// stream). No history, positions to resume from, keepalives, held aliases or slow-consumer handling: what is left is
/// what the straightforward version costs per delivery and per idle stream.
/// </summary>
/// <remarks>
/// The events carry the same fields the broker's do for a Broadcast (position, time, and a window message with id,
/// registered name, wParam, lParam, source, host, sent and received times, flags), so the two put about the same
/// bytes on the wire. Filters: registered_names and message_ids (what bench/fanout/nbfanout uses); the other
/// SubscribeRequest fields are ignored.
/// </remarks>
internal sealed class NaiveHubService : Contracts.V1.Notifier.NotifierBase
{
    private const uint FirstRegisteredMessageId = 0xC000;
    private const uint BsmApplications = 0x8;

    private static readonly string Epoch = Guid.NewGuid().ToString("N");

    private readonly ConcurrentDictionary<Subscriber, byte> _subscribers = new();
    private readonly ConcurrentDictionary<string, uint> _registeredIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _host = Environment.MachineName;
    private long _offset;

    public override Task<BroadcastReply> Broadcast(BroadcastRequest request, ServerCallContext context)
    {
        var now = Timestamp.FromDateTime(DateTime.UtcNow);
        var id = request.MessageCase == BroadcastRequest.MessageOneofCase.RegisteredName
            ? RegisteredId(request.RegisteredName)
            : request.MessageId;
        var registeredName = request.MessageCase == BroadcastRequest.MessageOneofCase.RegisteredName ? request.RegisteredName : "";
        var message = new Event
        {
            Position = new Position { Offset = (ulong)Interlocked.Increment(ref _offset), Epoch = Epoch },
            Time = now,
            WindowMessage = new WindowMessage
            {
                Id = id,
                RegisteredName = registeredName,
                Wparam = request.Wparam,
                Lparam = request.Lparam,
                Source = MessageSource.BroadcastRpc,
                Host = _host,
                SentAt = now,
                ReceivedAt = now,
                BroadcastFlags = request.Flags,
            },
        };

        var delivered = 0u;
        foreach (var subscriber in _subscribers.Keys)
        {
            if (subscriber.Wants(id, registeredName) && subscriber.Events.Writer.TryWrite(message))
            {
                delivered++;
            }
        }

        return Task.FromResult(new BroadcastReply { Result = 1, Recipients = BsmApplications, MessageId = id, Delivered = delivered });
    }

    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<Event> responseStream, ServerCallContext context)
    {
        var subscriber = new Subscriber(request);
        _subscribers.TryAdd(subscriber, 0);
        try
        {
            await responseStream.WriteAsync(new Event
            {
                Position = new Position { Offset = (ulong)Interlocked.Read(ref _offset), Epoch = Epoch },
                Time = Timestamp.FromDateTime(DateTime.UtcNow),
                Open = new Open { Oldest = new Position { Offset = 1, Epoch = Epoch } },
            });
            await foreach (var message in subscriber.Events.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(message);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The subscriber went away.
        }
        finally
        {
            _subscribers.TryRemove(subscriber, out _);
        }
    }

    private uint RegisteredId(string name) =>
        _registeredIds.GetOrAdd(name, static (_, ids) => FirstRegisteredMessageId + (uint)ids.Count, _registeredIds);

    private sealed class Subscriber(SubscribeRequest request)
    {
        private readonly HashSet<uint> _ids = [.. request.MessageIds];
        private readonly HashSet<string> _names = new(request.RegisteredNames, StringComparer.OrdinalIgnoreCase);

        public Channel<Event> Events { get; } = Channel.CreateUnbounded<Event>(new UnboundedChannelOptions { SingleReader = true });

        public bool Wants(uint id, string registeredName) =>
            (_ids.Count == 0 && _names.Count == 0) || _ids.Contains(id) || (registeredName.Length > 0 && _names.Contains(registeredName));
    }
}
