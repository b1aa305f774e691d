using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using NotifyBroker.Redis.Connection;
using StackExchange.Redis;

namespace NotifyBroker.Redis.Fleet;

/// <summary>
/// Request/reply between brokers over Redis pub/sub. Each broker subscribes to its request channel
/// "fleet:req:&lt;name&gt;" and to its reply channel "fleet:rep:&lt;name&gt;:&lt;instance&gt;". A request carries a
/// correlation id and the caller's reply channel; the answer is published there. PUBLISH says how many received it,
/// so a broker whose process is gone (its subscription dropped with its connection) is known at once; one that is
/// alive but does not answer (stopped, overloaded) is bounded by the caller's timeout. Pub/sub is at most once: a
/// reply lost with a dropped connection shows as that timeout, never as a duplicate execution.
/// </summary>
public sealed class RedisCallTransport : IAsyncDisposable
{
    private readonly RedisConnection _connection;
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<byte[]>> _pending = new();
    private readonly string _replyChannel;
    private Func<byte[], CancellationToken, Task<byte[]>>? _handler;

    public RedisCallTransport(RedisConnection connection, string name)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(name);
        _connection = connection;
        RequestChannel = RequestChannelOf(name);
        _replyChannel = connection.Key($"fleet:rep:{FleetNames.Normalize(name)}:{Guid.NewGuid():N}");
    }

    /// <summary>This broker's request channel (its presence on it tells a live process from a dead one).</summary>
    public RedisChannel RequestChannel { get; }

    private ISubscriber Subscriber => _connection.Multiplexer.GetSubscriber();

    private RedisChannel RequestChannelOf(string name) => RedisChannel.Literal(_connection.Key("fleet:req:" + FleetNames.Normalize(name)));

    /// <summary>Listen for replies, and for requests, which <paramref name="handler"/> answers (request bytes → reply bytes).</summary>
    public async Task StartAsync(Func<byte[], CancellationToken, Task<byte[]>> handler)
    {
        _handler = handler;
        await Subscriber.SubscribeAsync(RedisChannel.Literal(_replyChannel), (_, message) => OnReply(message)).ConfigureAwait(false);
        // Concurrent: each request runs on its own; a slow Broadcast (BSF_QUERY waiting on a window) must not hold the next.
        await Subscriber.SubscribeAsync(RequestChannel, (channel, message) => { _ = ServeAsync(message); }).ConfigureAwait(false);
    }

    /// <summary>
    /// Call the broker <paramref name="name"/>. Null when nobody listens on its channel (its process is gone);
    /// TimeoutException when no reply came within <paramref name="timeout"/>.
    /// </summary>
    public async Task<byte[]?> CallAsync(string name, byte[] request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = Guid.NewGuid();
        var reply = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            var received = await Subscriber.PublishAsync(RequestChannelOf(name), Frame(id, _replyChannel, request)).ConfigureAwait(false);
            if (received == 0)
            {
                return null;
            }

            return await reply.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private void OnReply(RedisValue message)
    {
        var bytes = (byte[])message!;
        if (bytes.Length >= 16 && _pending.TryRemove(new Guid(bytes.AsSpan(0, 16)), out var reply))
        {
            reply.TrySetResult(bytes[16..]);
        }
    }

    private async Task ServeAsync(RedisValue message)
    {
        var handler = _handler;
        var bytes = (byte[])message!;
        if (handler is null || bytes.Length < 20)
        {
            return;
        }

        var id = new Guid(bytes.AsSpan(0, 16));
        var channelLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16, 4));
        var replyTo = Encoding.UTF8.GetString(bytes, 20, channelLength);
        var body = bytes[(20 + channelLength)..];
        var answer = await handler(body, CancellationToken.None).ConfigureAwait(false);
        var framed = new byte[16 + answer.Length];
        id.TryWriteBytes(framed);
        answer.CopyTo(framed, 16);
        try
        {
            await Subscriber.PublishAsync(RedisChannel.Literal(replyTo), framed).ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // Redis away: the caller sees its timeout.
        }
    }

    private static byte[] Frame(Guid id, string replyTo, byte[] body)
    {
        var channel = Encoding.UTF8.GetBytes(replyTo);
        var framed = new byte[20 + channel.Length + body.Length];
        id.TryWriteBytes(framed);
        BinaryPrimitives.WriteInt32LittleEndian(framed.AsSpan(16, 4), channel.Length);
        channel.CopyTo(framed, 20);
        body.CopyTo(framed, 20 + channel.Length);
        return framed;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Subscriber.UnsubscribeAsync(RequestChannel).ConfigureAwait(false);
            await Subscriber.UnsubscribeAsync(RedisChannel.Literal(_replyChannel)).ConfigureAwait(false);
        }
        catch (RedisException)
        {
        }
    }
}
