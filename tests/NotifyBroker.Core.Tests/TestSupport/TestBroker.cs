using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Desktop.InMemory;

namespace NotifyBroker.Core.Tests.TestSupport;

/// <summary>A broker on an in-memory desktop, listening, with names tests can rely on.</summary>
internal sealed class TestBroker : IAsyncDisposable
{
    public const string HostName = "TESTHOST";
    public const int OtherProcess = 2000;

    private TestBroker(InMemoryDesktop desktop, Broker broker)
    {
        Desktop = desktop;
        Broker = broker;
    }

    public InMemoryDesktop Desktop { get; }

    public Broker Broker { get; }

    public static async Task<TestBroker> StartAsync(
        Action<BrokerOptions>? configure = null,
        DesktopCapabilities capabilities = DesktopCapabilities.None,
        TimeProvider? time = null)
    {
        var desktop = new InMemoryDesktop(new InMemoryDesktopOptions { HostName = HostName, Capabilities = capabilities }, time);
        var options = new BrokerOptions();
        configure?.Invoke(options);
        var broker = new Broker(desktop, options, time);
        await broker.StartAsync();
        return new TestBroker(desktop, broker);
    }

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        await Desktop.DisposeAsync();
    }
}
