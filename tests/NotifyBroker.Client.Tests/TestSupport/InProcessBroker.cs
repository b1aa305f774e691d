using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NotifyBroker.Core;
using NotifyBroker.Server.Hosting;

namespace NotifyBroker.Client.Tests.TestSupport;

/// <summary>The real broker host on 127.0.0.1 with a free port and the in-memory desktop.</summary>
internal sealed class InProcessBroker : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessBroker(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public Broker Broker => _app.Services.GetRequiredService<Broker>();

    /// <param name="settings">Configuration as "Key:Sub=value", e.g. "Broker:SubscriberQueueCapacity=8".</param>
    public static async Task<InProcessBroker> StartAsync(params string[] settings)
    {
        string[] args = ["--urls", "http://127.0.0.1:0", "--Desktop:Kind=InMemory", .. settings.Select(static s => "--" + s)];
        var builder = BrokerHost.CreateBuilder(args);
        builder.Services.AddSingleton<IHostLifetime, InProcessLifetime>();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        var app = BrokerHost.Build(builder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new InProcessBroker(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private sealed class InProcessLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
