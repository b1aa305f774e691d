using StackExchange.Redis;

namespace NotifyBroker.Redis.Connection;

/// <summary>
/// The broker's one connection to Redis, shared by the engine and the fleet: AbortOnConnectFail=false (the broker
/// starts, and keeps running, while Redis is away) and fail-fast commands (a call made while Redis is unreachable
/// fails at once instead of waiting in a backlog), so that the synchronous publish path never hangs.
/// </summary>
public sealed class RedisConnection : IDisposable
{
    private readonly string _prefix;

    public RedisConnection(RedisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _prefix = options.KeyPrefix ?? "";
        var configuration = ConfigurationOptions.Parse(options.Configuration);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new LinearRetry(500);
        configuration.ConnectTimeout = Math.Min(configuration.ConnectTimeout, 2000);
        Multiplexer = ConnectionMultiplexer.Connect(configuration);
    }

    public IConnectionMultiplexer Multiplexer { get; }

    /// <summary>The key (or channel) <paramref name="name"/> under the configured prefix.</summary>
    public string Key(string name) => _prefix + name;

    public void Dispose() => Multiplexer.Dispose();
}
