using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NotifyBroker.Client;
using NotifyBroker.Core;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Server.Hosting;

namespace NotifyBroker.Server.Tests.TestSupport;

/// <summary>
/// The real host (Program's BrokerHost) on 127.0.0.1 with a free port and the in-memory desktop, plus a channel and an
/// SDK client to it. Settings are configuration keys, passed the way a user passes them on the command line.
/// </summary>
internal sealed class BrokerTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private BrokerTestHost(WebApplication app, string address)
    {
        _app = app;
        Address = address;
        Channel = GrpcChannel.ForAddress(address);
        Client = new NotifierClient(Channel);
    }

    public string Address { get; }

    public GrpcChannel Channel { get; }

    public NotifierClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public Broker Broker => Services.GetRequiredService<Broker>();

    public InMemoryDesktop Desktop => (InMemoryDesktop)Services.GetRequiredService<IDesktop>();

    /// <param name="settings">Configuration as "Key:Sub=value", e.g. "Broker:SubscriberQueueCapacity=16".</param>
    public static async Task<BrokerTestHost> StartAsync(params string[] settings)
    {
        string[] args = ["--urls", "http://127.0.0.1:0", "--Desktop:Kind=InMemory", .. settings.Select(static s => "--" + s)];
        var builder = BrokerHost.CreateBuilder(args);
        builder.Services.AddSingleton<IHostLifetime, InProcessLifetime>();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = BrokerHost.Build(builder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new BrokerTestHost(app, address);
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _app.StopAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Channel.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
    }
}
