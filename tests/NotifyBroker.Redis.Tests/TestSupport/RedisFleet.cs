using NotifyBroker.Client;
using NotifyBroker.Tests.Shared;

namespace NotifyBroker.Redis.Tests.TestSupport;

/// <summary>
/// A real redis-server plus named broker processes on the Redis engine ("--Broker:Engine=Redis",
/// "--Redis:Configuration", "--Broker:Name"), each with its own <see cref="BrokerProcessState"/> so a test can
/// SIGKILL one and start it again on the same port (<see cref="RestartAsync"/>). Disposing stops everything.
/// </summary>
internal sealed class RedisFleet : IAsyncDisposable
{
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly string[] _settings;

    private RedisFleet(RedisServer redis, string keyPrefix, string[] settings)
    {
        Redis = redis;
        KeyPrefix = keyPrefix;
        _settings = settings;
    }

    public RedisServer Redis { get; }

    /// <summary>The "Redis:KeyPrefix" every broker of this fleet uses.</summary>
    public string KeyPrefix { get; }

    /// <summary>The brokers, by name, in start order.</summary>
    public IReadOnlyList<string> Names => [.. _members.Keys];

    public BrokerProcess this[string name] => _members[name].Process;

    /// <summary>Starts redis-server and one broker per name (in parallel).</summary>
    /// <param name="names">Broker names, e.g. "a", "b", "c".</param>
    /// <param name="settings">More configuration for every broker, as "Key:Sub=value".</param>
    public static Task<RedisFleet> StartAsync(IReadOnlyList<string> names, params string[] settings) =>
        StartAsync(names, persistent: false, settings);

    /// <summary>Starts redis-server (<paramref name="persistent"/>: append-only, fsync always, so a Redis restart keeps history) and one broker per name.</summary>
    public static async Task<RedisFleet> StartAsync(IReadOnlyList<string> names, bool persistent, params string[] settings)
    {
        ArgumentNullException.ThrowIfNull(names);
        var fleet = new RedisFleet(new RedisServer(persistent), "nbtest" + Guid.NewGuid().ToString("N")[..8] + ":", settings);
        try
        {
            var started = await Task.WhenAll(names.Select(async name =>
            {
                var state = new BrokerProcessState();
                try
                {
                    return (name, new Member(state, await BrokerProcess.StartAsync("http://127.0.0.1:0", state, fleet.SettingsFor(name))));
                }
                catch
                {
                    state.Dispose();
                    throw;
                }
            }));
            foreach (var (name, member) in started)
            {
                fleet._members.Add(name, member);
            }

            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    /// <summary>An SDK client of broker <paramref name="name"/>, with its admin key.</summary>
    public NotifierClient Client(string name) =>
        new(_members[name].Process.Address, new NotifierClientOptions { ApiKey = _members[name].State.AdminKey });

    /// <summary>SIGKILL one broker.</summary>
    public void Kill(string name) => _members[name].Process.Kill();

    /// <summary>Kills the broker if it still runs and starts it again on the same address with the same state.</summary>
    public async Task<BrokerProcess> RestartAsync(string name)
    {
        var member = _members[name];
        var address = member.Process.Address;
        member.Process.Dispose();
        member.Process = await BrokerProcess.StartAsync(address, member.State, SettingsFor(name));
        return member.Process;
    }

    private string[] SettingsFor(string name) =>
    [
        "Broker:Engine=Redis",
        "Redis:Configuration=" + Redis.Configuration,
        "Redis:KeyPrefix=" + KeyPrefix,
        "Broker:Name=" + name,
        .. _settings,
    ];

    public ValueTask DisposeAsync()
    {
        foreach (var member in _members.Values)
        {
            member.Process.Dispose();
            member.State.Dispose();
        }

        Redis.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class Member(BrokerProcessState state, BrokerProcess process)
    {
        public BrokerProcessState State { get; } = state;

        public BrokerProcess Process { get; set; } = process;
    }
}
