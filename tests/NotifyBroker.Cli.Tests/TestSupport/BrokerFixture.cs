using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NotifyBroker.Client;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Server.Hosting;

namespace NotifyBroker.Cli.Tests.TestSupport;

/// <summary>
/// The real broker host (the server's BrokerHost) on 127.0.0.1 with a free port and the in-memory desktop, and an SDK
/// client to it for arranging and checking what the CLI does. One per test class.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public string Address { get; private set; } = "";

    public NotifierClient Client { get; private set; } = null!;

    public InMemoryDesktop Desktop => (InMemoryDesktop)_app!.Services.GetRequiredService<IDesktop>();

    public Task InitializeAsync() => StartOnAsync("http://127.0.0.1:0");

    /// <summary>A broker on <paramref name="url"/>: a restart on the port an earlier broker got from the OS.</summary>
    public static async Task<BrokerFixture> StartAsync(string url)
    {
        var broker = new BrokerFixture();
        await broker.StartOnAsync(url);
        return broker;
    }

    private async Task StartOnAsync(string url)
    {
        var builder = BrokerHost.CreateBuilder(["--urls", url, "--Desktop:Kind=InMemory"]);
        builder.Services.AddSingleton<IHostLifetime, InProcessLifetime>();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _app = BrokerHost.Build(builder);
        await _app.StartAsync();
        Address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Client = new NotifierClient(Address);
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _app.StopAsync(timeout.Token);
            await _app.DisposeAsync();
        }
    }

    /// <summary>A name no other test uses, so tests sharing the broker cannot see each other's aliases or messages.</summary>
    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A host lifetime that leaves the test process's Ctrl+C / SIGTERM alone.</summary>
    private sealed class InProcessLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
