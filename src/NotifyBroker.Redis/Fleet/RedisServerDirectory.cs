using System.Text.Json;
using NotifyBroker.Core.Fleet;
using NotifyBroker.Redis.Connection;
using StackExchange.Redis;

namespace NotifyBroker.Redis.Fleet;

/// <summary>
/// The fleet registry in Redis. Each broker owns a key "fleet:server:&lt;name&gt;" (its entry as JSON) with a TTL of
/// <see cref="FleetOptions.LeaseMilliseconds"/>, renewed every heartbeat, so a broker is live exactly while its key
/// exists. The set "fleet:names" remembers every name ever registered, which tells a dead broker (UNAVAILABLE) from an
/// unknown name (NERR_InvalidComputer).
/// </summary>
public sealed class RedisServerDirectory : IServerDirectory, IAsyncDisposable
{
    private readonly RedisConnection _connection;
    private readonly FleetOptions _options;
    private readonly TimeProvider _time;
    private readonly string _name;
    private readonly string _host;
    private readonly FleetDesktopKind _desktop;
    private readonly DateTimeOffset _started;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _heartbeats;

    public RedisServerDirectory(RedisConnection connection, FleetOptions options, string name, string host, FleetDesktopKind desktop, DateTimeOffset started, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(name);
        options.Validate();
        _connection = connection;
        _options = options;
        _name = name;
        _host = host;
        _desktop = desktop;
        _started = started;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>This broker's name in the fleet.</summary>
    public string Name => _name;

    private IDatabase Database => _connection.Multiplexer.GetDatabase();

    private RedisKey NamesKey => _connection.Key("fleet:names");

    private RedisKey ServerKey(string name) => _connection.Key("fleet:server:" + FleetNames.Normalize(name));

    /// <summary>
    /// Register and start the heartbeat. Refuses (InvalidOperationException) when another live broker already holds
    /// the name: its lease is fresh and something still listens on its request channel. A lease left by a broker
    /// that died (nobody listening) is taken over, so a killed broker restarts at once under its own name.
    /// </summary>
    public async Task StartAsync(RedisChannel requestChannel, CancellationToken cancellationToken)
    {
        try
        {
            if (await Database.KeyExistsAsync(ServerKey(_name)).ConfigureAwait(false)
                && await ListenersAsync(requestChannel).ConfigureAwait(false) > 0)
            {
                throw new InvalidOperationException($"Broker:Name '{_name}' is already taken by a live broker of this fleet (on {_connection.Key("")}); give this broker another name.");
            }

            await BeatAsync().ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // Redis away at start: the broker still starts (NOT_SERVING until the engine reaches Redis) and the
            // heartbeat registers it once Redis is back; the duplicate-name check cannot run then.
        }

        _heartbeats = Task.Run(() => HeartbeatLoopAsync(_stopping.Token), CancellationToken.None);
    }

    private async Task<long> ListenersAsync(RedisChannel channel)
    {
        var server = _connection.Multiplexer.GetServers().FirstOrDefault(static server => server.IsConnected);
        if (server is null)
        {
            return 0;
        }

        var reply = await server.ExecuteAsync("PUBSUB", "NUMSUB", (string)channel!).ConfigureAwait(false);
        var parts = (RedisResult[])reply!;
        return parts.Length >= 2 ? (long)parts[1] : 0;
    }

    private async Task HeartbeatLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.HeartbeatIntervalMilliseconds), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    await BeatAsync().ConfigureAwait(false);
                }
                catch (RedisException)
                {
                    // Redis away: the lease lapses and others see this broker dead until Redis is back; keep beating.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private Task BeatAsync()
    {
        var entry = new RegisteredServer(_name, _desktop, _host, _time.GetUtcNow().ToUnixTimeMilliseconds(), _started.ToUnixTimeMilliseconds());
        var database = Database;
        // The names set (known, possibly dead, brokers) is re-added every beat, so a broker that started while Redis
        // was away is known once it is back.
        return Task.WhenAll(
            database.StringSetAsync(ServerKey(_name), JsonSerializer.Serialize(entry, FleetJson.Default.RegisteredServer), TimeSpan.FromMilliseconds(_options.LeaseMilliseconds)),
            database.SetAddAsync(NamesKey, FleetNames.Normalize(_name)));
    }

    /// <summary>Live (lease fresh), Dead (registered once, lease gone) or Unknown.</summary>
    public async ValueTask<ServerLiveness> LivenessAsync(string name)
    {
        var database = Database;
        if (await database.KeyExistsAsync(ServerKey(name)).ConfigureAwait(false))
        {
            return ServerLiveness.Live;
        }

        return await database.SetContainsAsync(NamesKey, FleetNames.Normalize(name)).ConfigureAwait(false) ? ServerLiveness.Dead : ServerLiveness.Unknown;
    }

    public async ValueTask<IReadOnlyList<ServerEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        var database = Database;
        var names = (await database.SetMembersAsync(NamesKey).ConfigureAwait(false)).Select(static name => (string)name!).Order(StringComparer.Ordinal).ToArray();
        var values = await database.StringGetAsync(names.Select(ServerKey).ToArray()).ConfigureAwait(false);
        var servers = new List<ServerEntry>(names.Length);
        for (var index = 0; index < names.Length; index++)
        {
            if (values[index].IsNullOrEmpty)
            {
                continue; // dead: its lease lapsed
            }

            var entry = JsonSerializer.Deserialize((string)values[index]!, FleetJson.Default.RegisteredServer);
            if (entry is null)
            {
                continue;
            }

            servers.Add(new ServerEntry(
                entry.Name,
                entry.Desktop,
                entry.Host,
                DateTimeOffset.FromUnixTimeMilliseconds(entry.HeartbeatMs),
                DateTimeOffset.FromUnixTimeMilliseconds(entry.StartedMs),
                Self: string.Equals(names[index], FleetNames.Normalize(_name), StringComparison.Ordinal)));
        }

        return servers;
    }

    /// <summary>Stop beating and drop the lease at once, so that others see this broker gone without waiting for it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_heartbeats is not null)
        {
            await _heartbeats.ConfigureAwait(false);
        }

        try
        {
            await Database.KeyDeleteAsync(ServerKey(_name)).ConfigureAwait(false);
        }
        catch (RedisException)
        {
        }

        _stopping.Dispose();
    }
}
