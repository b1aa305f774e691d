using System.Globalization;
using System.Security.Cryptography;
using NotifyBroker.Core;
using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Engine.InMemory;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Redis.Codec;
using NotifyBroker.Redis.Connection;
using StackExchange.Redis;
using StreamPosition = NotifyBroker.Core.Events.StreamPosition;

namespace NotifyBroker.Redis.Engine;

/// <summary>
/// History in one Redis Stream shared by every broker ({prefix}history), entry id "&lt;offset&gt;-0", so an entry's id
/// is its offset. <see cref="Publish"/> runs one Lua script that trims (count, bytes, age), INCRs {prefix}offset and
/// XADDs, atomically, before it returns. One reader per broker copies the stream, in order, into a local mirror (an
/// <see cref="InMemoryEngine"/> that takes externally positioned events), which serves every local subscription
/// exactly as the in-memory engine does.
/// </summary>
/// <remarks>
/// Bytes: each entry stores its <see cref="BrokerEvent.ByteSize"/> ("s"), and the script keeps a running total in
/// {prefix}bytes; all trimming (count, bytes, age) is done by the script, oldest entry first (XRANGE COUNT 1 + XDEL),
/// so the total stays exact. The epoch ({prefix}epoch) is created once (when missing) by the same scripts; when Redis
/// comes back empty it is created anew, and every mirror resets to it.
/// </remarks>
public sealed class RedisEngine : IBrokerEngine, IEngineAvailability
{
    private const int ReadBatch = 512;

    // KEYS: epoch started offset history bytes lasttime. ARGV: newEpoch nowMicros.
    private const string EnsureEpoch = """
        local epoch = redis.call('GET', KEYS[1])
        if not epoch then
          redis.call('DEL', KEYS[3], KEYS[4], KEYS[5], KEYS[6])
          redis.call('SET', KEYS[1], ARGV[1])
          redis.call('SET', KEYS[2], ARGV[2])
          epoch = ARGV[1]
        end
        """;

    // ARGV: newEpoch nowMicros blob size maxCount maxBytes minMicros channel
    private const string PublishScript = EnsureEpoch + "\n" + """
        local t = ARGV[2]
        local last = redis.call('GET', KEYS[6])
        if last and tonumber(last) > tonumber(t) then t = last end
        local size = tonumber(ARGV[4])
        local bytes = tonumber(redis.call('GET', KEYS[5]) or '0')
        local count = redis.call('XLEN', KEYS[4])
        local maxCount = tonumber(ARGV[5])
        local maxBytes = tonumber(ARGV[6])
        local minTime = tonumber(ARGV[7])
        while count > 0 do
          local oldest = redis.call('XRANGE', KEYS[4], '-', '+', 'COUNT', 1)[1]
          local f = oldest[2]
          local ot, os = 0, 0
          for i = 1, #f, 2 do
            if f[i] == 't' then ot = tonumber(f[i + 1]) elseif f[i] == 's' then os = tonumber(f[i + 1]) end
          end
          if count >= maxCount or bytes + size > maxBytes or ot < minTime then
            redis.call('XDEL', KEYS[4], oldest[1])
            bytes = bytes - os
            count = count - 1
          else
            break
          end
        end
        local offset = redis.call('INCR', KEYS[3])
        redis.call('XADD', KEYS[4], offset .. '-0', 't', t, 's', ARGV[4], 'e', ARGV[3])
        redis.call('SET', KEYS[5], bytes + size)
        redis.call('SET', KEYS[6], t)
        redis.call('PUBLISH', ARGV[8], offset)
        return {offset, t, epoch}
        """;

    private const string StateScript = EnsureEpoch + "\n" + """
        return {epoch, redis.call('GET', KEYS[2]) or '0', redis.call('GET', KEYS[3]) or '0'}
        """;

    // KEYS: epoch history. ARGV: firstId count
    private const string ReadScript = """
        return {redis.call('GET', KEYS[1]) or false, redis.call('XRANGE', KEYS[2], ARGV[1], '+', 'COUNT', ARGV[2])}
        """;

    private readonly RedisConnection _connection;
    private readonly IDatabase _db;
    private readonly BrokerOptions _options;
    private readonly TimeProvider _time;
    private readonly RedisKey[] _keys;
    private readonly RedisChannel _channel;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private volatile InMemoryEngine _mirror;
    private volatile bool _available;

    public RedisEngine(RedisConnection connection, BrokerOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        _connection = connection;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _db = connection.Multiplexer.GetDatabase();
        _keys = [connection.Key("epoch"), connection.Key("started"), connection.Key("offset"), connection.Key("history"), connection.Key("bytes"), connection.Key("lasttime")];
        _channel = RedisChannel.Literal(connection.Key("history:new"));

        // Until Redis answers, an empty placeholder history under a random epoch that no position can match.
        _mirror = NewMirror(new MirrorStart(NewEpoch(), 0, _time.GetUtcNow()));
        try
        {
            Resync();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _available = false;
        }

        connection.Multiplexer.ConnectionFailed += (_, _) => Wake();
        connection.Multiplexer.ConnectionRestored += (_, _) => Wake();
        try
        {
            connection.Multiplexer.GetSubscriber().Subscribe(_channel, (_, _) => Wake());
        }
        catch (RedisException)
        {
            // Resubscribed by the multiplexer on reconnect; the reader polls meanwhile.
        }

        _reader = Task.Run(ReadLoopAsync);
    }

    public event EventHandler? AvailabilityChanged;

    public bool IsAvailable => _available;

    public string Epoch => _mirror.Epoch;

    public StreamPosition CurrentPosition => _mirror.CurrentPosition;

    public HistoryState GetHistoryState() => _mirror.GetHistoryState();

    public BrokerEvent Publish(EventBody body, TraceContext trace)
    {
        ArgumentNullException.ThrowIfNull(body);
        var mirror = _mirror;
        var byteSize = EventSize.Estimate(body, trace, mirror.Epoch);
        var maxEventBytes = (int)Math.Min(_options.MaxEventBytes, _options.HistoryMaxBytes);
        if (byteSize > maxEventBytes)
        {
            throw EventSize.TooLarge(byteSize, maxEventBytes);
        }

        var now = _time.GetUtcNow();
        RedisResult[] result;
        try
        {
            result = (RedisResult[])_db.ScriptEvaluate(PublishScript, _keys,
            [
                NewEpoch(),
                Micros(now),
                EventCodec.Encode(body, trace),
                byteSize,
                _options.HistoryMaxCount,
                _options.HistoryMaxBytes,
                Micros(now - _options.HistoryMaxAge),
                _channel.ToString(),
            ])!;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            MarkUnavailable();
            throw Unavailable(e);
        }

        Wake();
        var offset = (ulong)(long)result[0];
        var time = FromMicros((string)result[1]!);
        return new BrokerEvent(new StreamPosition(offset, (string)result[2]!), time, trace, body);
    }

    public IEventStream Subscribe(EventFilter filter, SubscriptionStart start, int capacity)
    {
        if (!_available)
        {
            throw Unavailable(null);
        }

        return _mirror.Subscribe(filter, start, capacity);
    }

    public void CompleteAll(SubscriptionEndReason reason) => _mirror.CompleteAll(reason);

    public void Dispose()
    {
        _stop.Cancel();
        Wake();
        try
        {
            _reader.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _mirror.Dispose();
        _stop.Dispose();
    }

    private static BrokerException Unavailable(Exception? cause)
    {
        const string message = "The Redis engine is unavailable: events can be neither accepted nor delivered until Redis is reachable again.";
        var details = new Dictionary<string, string> { ["engine"] = "redis" };
        return cause is null
            ? new BrokerException(Win32Error.ERROR_NOT_READY, message) { Details = details }
            : new BrokerException(Win32Error.ERROR_NOT_READY, message + " " + cause.Message, cause) { Details = details };
    }

    private async Task ReadLoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            var idle = true;
            try
            {
                if (!_available)
                {
                    Resync();
                }

                idle = ReadOnce() < ReadBatch;
            }
            catch (Exception e) when (e is RedisException or TimeoutException or InvalidDataException)
            {
                MarkUnavailable();
            }

            if (idle)
            {
                try
                {
                    await _wake.WaitAsync(_available ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(250), token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Copy what follows the mirror's head into the mirror; how many entries that was.</summary>
    private int ReadOnce()
    {
        var mirror = _mirror;
        var next = mirror.CurrentPosition.Offset + 1;
        var result = (RedisResult[])_db.ScriptEvaluate(ReadScript, [_keys[0], _keys[3]], [next.ToString(CultureInfo.InvariantCulture) + "-0", ReadBatch])!;
        var epoch = (string?)result[0];
        if (epoch != mirror.Epoch)
        {
            // Redis lost the stream (or it was replaced): start over from what it holds now.
            Resync();
            return ReadBatch;
        }

        var entries = (RedisResult[])result[1]!;
        foreach (var entry in entries)
        {
            var brokerEvent = ToEvent((RedisResult[])entry!, epoch);
            if (brokerEvent.Position.Offset != mirror.CurrentPosition.Offset + 1)
            {
                // Trimmed before this broker read it: the mirror cannot continue without a gap.
                Reset(LoadState(), mirror);
                return ReadBatch;
            }

            mirror.AppendMirrored(brokerEvent);
        }

        return entries.Length;
    }

    private static BrokerEvent ToEvent(RedisResult[] entry, string epoch)
    {
        var id = (string)entry[0]!;
        var offset = ulong.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
        var fields = (RedisResult[])entry[1]!;
        DateTimeOffset time = default;
        byte[]? data = null;
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            switch ((string)fields[i]!)
            {
                case "t":
                    time = FromMicros((string)fields[i + 1]!);
                    break;
                case "e":
                    data = (byte[])fields[i + 1]!;
                    break;
            }
        }

        var (body, trace) = EventCodec.Decode(data ?? throw new InvalidDataException($"Entry {id} has no event."));
        return new BrokerEvent(new StreamPosition(offset, epoch), time, trace, body);
    }

    /// <summary>Check the epoch; when it is not the mirror's, load a new mirror from Redis history. Then available.</summary>
    private void Resync()
    {
        var state = LoadState();
        var mirror = _mirror;
        if (state.Epoch != mirror.Epoch)
        {
            Reset(state, mirror);
        }

        if (!_available)
        {
            _available = true;
            AvailabilityChanged?.Invoke(this, EventArgs.Empty);
        }
    }

    private (string Epoch, DateTimeOffset Started, ulong Offset) LoadState()
    {
        var result = (RedisResult[])_db.ScriptEvaluate(StateScript, _keys, [NewEpoch(), Micros(_time.GetUtcNow())])!;
        return ((string)result[0]!, FromMicros((string)result[1]!), ulong.Parse((string)result[2]!, CultureInfo.InvariantCulture));
    }

    /// <summary>Replace the mirror with one filled from Redis history; the old one's subscriptions end (resumable).</summary>
    private void Reset((string Epoch, DateTimeOffset Started, ulong Offset) state, InMemoryEngine old)
    {
        var events = new List<BrokerEvent>();
        var from = "-";
        while (true)
        {
            var page = _db.StreamRange(_keys[3], from, "+", ReadBatch);
            foreach (var entry in page)
            {
                var offset = ulong.Parse(((string)entry.Id!).Split('-')[0], CultureInfo.InvariantCulture);
                var data = (byte[])entry["e"]!;
                var (body, trace) = EventCodec.Decode(data);
                events.Add(new BrokerEvent(new StreamPosition(offset, state.Epoch), FromMicros((string)entry["t"]!), trace, body));
            }

            if (page.Length < ReadBatch)
            {
                break;
            }

            from = (events[^1].Position.Offset + 1).ToString(CultureInfo.InvariantCulture) + "-0";
        }

        // Only a contiguous run that ends at the newest entry.
        var start = events.Count - 1;
        while (start > 0 && events[start - 1].Position.Offset + 1 == events[start].Position.Offset)
        {
            start--;
        }

        var held = events.Count == 0 ? [] : events.GetRange(start, events.Count - start);
        var startAfter = held.Count == 0 ? Math.Max(state.Offset, 0) : held[0].Position.Offset - 1;
        var startedAt = startAfter == 0 ? state.Started : held.Count > 0 ? held[0].Time : _time.GetUtcNow();
        var mirror = NewMirror(new MirrorStart(state.Epoch, startAfter, startedAt));
        foreach (var brokerEvent in held)
        {
            mirror.AppendMirrored(brokerEvent);
        }

        _mirror = mirror;
        old.CompleteAll(SubscriptionEndReason.EngineUnavailable);
        old.Dispose();
    }

    private InMemoryEngine NewMirror(MirrorStart start) =>
        new(start, _options.HistoryMaxCount, _options.HistoryMaxAge, _time, _options.HistoryMaxBytes, _options.MaxEventBytes);

    private void MarkUnavailable()
    {
        var was = _available;
        _available = false;
        _mirror.CompleteAll(SubscriptionEndReason.EngineUnavailable);
        if (was)
        {
            AvailabilityChanged?.Invoke(this, EventArgs.Empty);
        }

        Wake();
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private static string NewEpoch() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static string Micros(DateTimeOffset time) =>
        ((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10).ToString(CultureInfo.InvariantCulture);

    private static DateTimeOffset FromMicros(string micros) =>
        DateTimeOffset.UnixEpoch.AddTicks(long.Parse(micros, NumberStyles.Float, CultureInfo.InvariantCulture) * 10);
}
