using NotifyBroker.Client;
using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Tests.Shared;

namespace NotifyBroker.Cli.Tests.TestSupport;

/// <summary>
/// The real broker host (the server's BrokerHost) on 127.0.0.1 with a free port and the in-memory desktop, and an SDK
/// client to it for arranging and checking what the CLI does. One per test class.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private InProcessBrokerHost? _host;

    public string Address => Host.Address;

    public NotifierClient Client { get; private set; } = null!;

    public InMemoryDesktop Desktop => Host.Desktop;

    private InProcessBrokerHost Host => _host ?? throw new InvalidOperationException("The broker has not been started.");

    public Task InitializeAsync() => StartOnAsync(InProcessBrokerHost.FreePortUrl);

    /// <summary>A broker on <paramref name="url"/>: a restart on the port an earlier broker got from the OS.</summary>
    public static async Task<BrokerFixture> StartAsync(string url)
    {
        var broker = new BrokerFixture();
        await broker.StartOnAsync(url);
        return broker;
    }

    private async Task StartOnAsync(string url)
    {
        _host = await InProcessBrokerHost.StartOnAsync(url);
        Client = new NotifierClient(_host.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>A name no other test uses, so tests sharing the broker cannot see each other's aliases or messages.</summary>
    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];
}
