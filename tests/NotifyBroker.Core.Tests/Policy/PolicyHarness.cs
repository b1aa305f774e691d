using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Security;
using NotifyBroker.Core.Tests.TestSupport;

namespace NotifyBroker.Core.Tests.Policy;

/// <summary>
/// A broker on a recording in-memory desktop, with a clock that moves only when the test says so, and the callers the
/// policy tests use.
/// </summary>
internal sealed class PolicyHarness : IAsyncDisposable
{
    private PolicyHarness(RecordingDesktop desktop, Broker broker, ManualTimeProvider clock)
    {
        Desktop = desktop;
        Broker = broker;
        Clock = clock;
    }

    /// <summary>A key that may only broadcast.</summary>
    public static Caller Broadcaster { get; } = Key("broadcaster", BrokerScopes.Broadcast);

    /// <summary>An admin key (every scope, through notify:admin).</summary>
    public static Caller Admin { get; } = Key("admin", BrokerScopes.Admin);

    /// <summary>A key holding every scope by name.</summary>
    public static Caller Everything { get; } = Key("everything", [.. BrokerScopes.All]);

    public RecordingDesktop Desktop { get; }

    public Broker Broker { get; }

    public ManualTimeProvider Clock { get; }

    public static Caller Key(string name, params string[] scopes) => new("key:" + name, name, scopes);

    public static async Task<PolicyHarness> StartAsync(Action<BrokerOptions>? configure = null)
    {
        var clock = new ManualTimeProvider();
        var desktop = new RecordingDesktop();
        var options = new BrokerOptions();
        configure?.Invoke(options);
        var broker = new Broker(desktop, options, clock);
        await broker.StartAsync();
        return new PolicyHarness(desktop, broker, clock);
    }

    /// <summary>How many ids of the registered range the desktop has handed out.</summary>
    public int AtomsUsed()
    {
        var count = 0;
        while (Desktop.GetRegisteredMessageName(WindowMessages.RegisteredFirst + (uint)count) is not null)
        {
            count++;
        }

        return count;
    }

    public static async Task<BrokerException> RefusedAsync(Func<Task> call) => await Assert.ThrowsAsync<BrokerException>(call);

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        await Desktop.DisposeAsync();
    }
}
