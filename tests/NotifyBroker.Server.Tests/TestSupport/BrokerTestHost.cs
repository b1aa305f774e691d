using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using NotifyBroker.Client;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core;
using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Tests.Shared;

namespace NotifyBroker.Server.Tests.TestSupport;

/// <summary>
/// The real host (Program's BrokerHost) on 127.0.0.1 with a free port and the in-memory desktop (the shared
/// <see cref="InProcessBrokerHost"/>), plus a channel and an SDK client to it. Settings are configuration keys,
/// passed the way a user passes them on the command line.
/// </summary>
internal sealed class BrokerTestHost : IAsyncDisposable
{
    private readonly InProcessBrokerHost _host;

    private BrokerTestHost(InProcessBrokerHost host)
    {
        _host = host;
        Channel = host.CreateChannel();
        Grpc = new Contracts.V1.Notifier.NotifierClient(Channel);
        Client = new NotifierClient(Channel);
    }

    public string Address => _host.Address;

    /// <summary>The shared host, for channels with other keys (<see cref="InProcessBrokerHost.CreateChannel(string?)"/>).</summary>
    public InProcessBrokerHost Host => _host;

    public GrpcChannel Channel { get; }

    /// <summary>The generated client, for calls as any gRPC client makes them.</summary>
    public Contracts.V1.Notifier.NotifierClient Grpc { get; }

    public NotifierClient Client { get; }

    public IServiceProvider Services => _host.Services;

    public Broker Broker => _host.Broker;

    public InMemoryDesktop Desktop => _host.Desktop;

    /// <param name="settings">Configuration as "Key:Sub=value", e.g. "Broker:SubscriberQueueCapacity=16".</param>
    public static async Task<BrokerTestHost> StartAsync(params string[] settings) => new(await InProcessBrokerHost.StartAsync(settings));

    /// <summary>A host whose builder <paramref name="configure"/> changes before it is built (e.g. a test's interceptor).</summary>
    /// <param name="configure">Changes to the host's builder.</param>
    /// <param name="settings">As for <see cref="StartAsync(string[])"/>.</param>
    public static async Task<BrokerTestHost> StartAsync(Action<WebApplicationBuilder> configure, params string[] settings) =>
        new(await InProcessBrokerHost.StartOnAsync(InProcessBrokerHost.FreePortUrl, configure, settings));

    public Task StopAsync() => _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Channel.Dispose();
        await _host.DisposeAsync();
    }
}
