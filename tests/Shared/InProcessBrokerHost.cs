using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NotifyBroker.Core;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Server.Hosting;

namespace NotifyBroker.Tests.Shared;

/// <summary>
/// The real broker host (BrokerHost, as Program builds it) inside the test process, on 127.0.0.1 with the in-memory
/// desktop. Test projects that need a live broker compile this one file in as a linked source
/// (<c>&lt;Compile Include="../Shared/InProcessBrokerHost.cs" Link="TestSupport/InProcessBrokerHost.cs" /&gt;</c>),
/// so they share the start-up without depending on each other. Every host starts with the admin key
/// <see cref="AdminKey"/> (its key store and credentials file in a temporary folder of its own); channels from
/// <see cref="CreateChannel"/> send it, or another key.
/// </summary>
internal sealed class InProcessBrokerHost : IAsyncDisposable
{
    /// <summary>Where a host listens unless told otherwise: a port the OS picks.</summary>
    public const string FreePortUrl = "http://127.0.0.1:0";

    /// <summary>The admin key every host accepts (Security:AdminKey), unless the test's settings give their own.</summary>
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    private readonly WebApplication _app;
    private readonly string _securityFolder;
    private bool _stopped;

    private InProcessBrokerHost(WebApplication app, string address, string securityFolder)
    {
        _app = app;
        Address = address;
        _securityFolder = securityFolder;
    }

    /// <summary>The host's key store file (Security:KeysFile).</summary>
    public string KeysFile => Path.Combine(_securityFolder, "keys.json");

    /// <summary>The host's credentials file (Security:CredentialsFile).</summary>
    public string CredentialsFile => Path.Combine(_securityFolder, "credentials.json");

    /// <summary>The address the host listens on, e.g. "http://127.0.0.1:40123".</summary>
    public string Address { get; }

    /// <summary>The HTTP/1.1 endpoint's address (JSON API, gRPC-Web), when the host was started with one (see <see cref="HttpSetting"/>).</summary>
    public string? HttpAddress => Services.GetRequiredService<NotifyBroker.Server.Http.HttpApiEndpoint>().BoundUrl;

    /// <summary>The setting that gives a host an HTTP/1.1 endpoint on a free port, for <see cref="StartAsync"/>.</summary>
    public const string HttpSetting = "HttpApi:Url=http://127.0.0.1:0";

    public IServiceProvider Services => _app.Services;

    public Broker Broker => Services.GetRequiredService<Broker>();

    public InMemoryDesktop Desktop => (InMemoryDesktop)Services.GetRequiredService<IDesktop>();

    /// <param name="settings">Configuration as "Key:Sub=value", e.g. "Broker:SubscriberQueueCapacity=8", passed the way a user passes them on the command line.</param>
    public static Task<InProcessBrokerHost> StartAsync(params string[] settings) => StartOnAsync(FreePortUrl, settings);

    /// <summary>A host on <paramref name="url"/>, e.g. the address of an earlier host, to restart a broker on its port.</summary>
    /// <param name="url">Where to listen.</param>
    /// <param name="settings">As for <see cref="StartAsync"/>.</param>
    public static Task<InProcessBrokerHost> StartOnAsync(string url, params string[] settings) => StartOnAsync(url, configure: null, settings);

    /// <summary>A host on <paramref name="url"/> whose builder <paramref name="configure"/> changes before it is built.</summary>
    /// <param name="url">Where to listen.</param>
    /// <param name="configure">Changes to the host's builder (e.g. a log capture), or null.</param>
    /// <param name="settings">As for <see cref="StartAsync"/>.</param>
    public static async Task<InProcessBrokerHost> StartOnAsync(string url, Action<WebApplicationBuilder>? configure, params string[] settings)
    {
        var securityFolder = Directory.CreateTempSubdirectory("nb-security-").FullName;
        string[] security =
        [
            .. settings.Any(static s => s.StartsWith("Security:AdminKey=", StringComparison.Ordinal)) ? Array.Empty<string>() : ["--Security:AdminKey=" + AdminKey],
            "--Security:KeysFile=" + Path.Combine(securityFolder, "keys.json"),
            "--Security:CredentialsFile=" + Path.Combine(securityFolder, "credentials.json"),
        ];
        string[] args = ["--urls", url, "--Desktop:Kind=InMemory", .. security, .. settings.Select(static s => "--" + s)];
        var builder = BrokerHost.CreateBuilder(args);
        builder.Services.AddSingleton<IHostLifetime, InProcessLifetime>();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        configure?.Invoke(builder);
        var app = BrokerHost.Build(builder);
        await app.StartAsync();
        // With an HTTP endpoint (HttpApi:Url) the gRPC one is first (endpoint "Grpc" sorts before "HttpApi").
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new InProcessBrokerHost(app, address, securityFolder);
    }

    /// <summary>A channel to this host whose calls carry <paramref name="key"/> as a bearer token (null: no credentials).</summary>
    public GrpcChannel CreateChannel(string? key = AdminKey) => CreateChannel(Address, key);

    /// <summary>A channel to <paramref name="address"/> whose calls carry <paramref name="key"/> as a bearer token (null: no credentials).</summary>
    public static GrpcChannel CreateChannel(string address, string? key = AdminKey)
    {
        if (key is null)
        {
            return GrpcChannel.ForAddress(address);
        }

        var bearer = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", "Bearer " + key);
            return Task.CompletedTask;
        });
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, bearer),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
    }

    /// <summary>Stops the host the way a shutdown does (open streams end with BROKER_STOPPING); once.</summary>
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
        await StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_securityFolder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind holds only this host's test keys.
        }
    }

    /// <summary>A host lifetime that leaves the test process's Ctrl+C / SIGTERM alone.</summary>
    private sealed class InProcessLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
