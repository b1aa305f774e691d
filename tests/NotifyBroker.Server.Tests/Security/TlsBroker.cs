using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NotifyBroker.Server.Hosting;

namespace NotifyBroker.Server.Tests.Security;

/// <summary>
/// The real broker host (BrokerHost, as Program builds it) in this process, listening where <c>settings</c> say (the
/// TLS tests give https:// addresses on 127.0.0.1:0), with the in-memory desktop and an admin key of its own. The key
/// store and credentials file live in the test's temporary folder, never in the user's home.
/// </summary>
internal sealed class TlsBroker : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TlsBroker(WebApplication app, string address, string adminKey)
    {
        _app = app;
        Address = address;
        AdminKey = adminKey;
    }

    /// <summary>Where it listens, as Kestrel reports it, e.g. "https://127.0.0.1:40123".</summary>
    public string Address { get; }

    /// <summary>Its admin key (sent as "authorization: Bearer …" by <see cref="OpenChannel"/>).</summary>
    public string AdminKey { get; }

    /// <param name="stateDirectory">Where the key store and credentials file go.</param>
    /// <param name="settings">Command-line settings, e.g. "--urls", "https://127.0.0.1:0" or "--Kestrel:Endpoints:Grpc:Url=https://127.0.0.1:0".</param>
    public static async Task<TlsBroker> StartAsync(string stateDirectory, params string[] settings)
    {
        var adminKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        string[] args =
        [
            "--Desktop:Kind=InMemory",
            $"--Security:AdminKey={adminKey}",
            $"--Security:KeysFile={Path.Combine(stateDirectory, "keys.json")}",
            $"--Security:CredentialsFile={Path.Combine(stateDirectory, "credentials")}",
            .. settings,
        ];
        var builder = BrokerHost.CreateBuilder(args);
        builder.Services.AddSingleton<IHostLifetime, InProcessLifetime>();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = BrokerHost.Build(builder);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new TlsBroker(app, address, adminKey);
    }

    /// <summary>A channel to <see cref="Address"/> over <paramref name="handler"/>, whose every call carries the admin key as call credentials.</summary>
    public GrpcChannel OpenChannel(HttpMessageHandler handler) => OpenChannel(Address, handler);

    /// <summary>As <see cref="OpenChannel(HttpMessageHandler)"/>, to another address of the same broker (e.g. by host name).</summary>
    public GrpcChannel OpenChannel(string address, HttpMessageHandler handler)
    {
        var bearer = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", $"Bearer {AdminKey}");
            return Task.CompletedTask;
        });
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            Credentials = ChannelCredentials.Create(ChannelCredentials.SecureSsl, bearer),
        });
    }

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await _app.StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
    }

    /// <summary>A host lifetime that leaves the test process's Ctrl+C / SIGTERM alone.</summary>
    private sealed class InProcessLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
