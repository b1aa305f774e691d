using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using NotifyBroker.Bench.Server;
using NotifyBroker.Server.Hosting;

// Usage: NotifyBroker.Bench.Server [--port N] [--max-streams N] [--alloc-profile] [--notifier [--Section:Key=value]... | --naive-hub]
// Listens on 127.0.0.1 with h2c prior knowledge (HTTP/2 only, no TLS) and prints "listening <port>" once ready,
// so the bench scripts can start it on port 0 and read the port back. Every mode is on Grpc.AspNetCore and answers
// GET /stats (without a key, in every mode). Default: nbbench.v1.Bench plus the bare-Kestrel ceilings. --notifier
// hosts the real broker (BrokerHost, exactly as NotifyBroker.Server builds it, authentication included, so its calls
// need a key: see BuildNotifierHost) instead, so runs can read the broker's GC heap and allocations. --naive-hub
// hosts notify.v1.Notifier Subscribe/Broadcast as a plain grpc-dotnet fan-out.
var settings = BenchSettings.Parse(args);
if (settings.AllocationProfile)
{
    AllocationSampler.Start();
}

var app = settings.Mode switch
{
    BenchMode.Notifier => BuildNotifierHost(settings),
    BenchMode.NaiveHub => BuildNaiveHubHost(settings),
    _ => BuildBenchHost(settings),
};
StatsEndpoint.Map(app);

await app.StartAsync();
Console.WriteLine($"listening {BenchSettings.BoundPort(app)}");
await app.WaitForShutdownAsync();

static WebApplicationBuilder CreatePlainBuilder(BenchSettings settings)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(kestrel =>
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.Http2.MaxStreamsPerConnection = settings.MaxStreamsPerConnection;
        kestrel.Listen(IPAddress.Loopback, settings.Port, listen => listen.Protocols = HttpProtocols.Http2);
    });
    builder.Services.AddGrpc();
    return builder;
}

static WebApplication BuildBenchHost(BenchSettings settings)
{
    var app = CreatePlainBuilder(settings).Build();
    BareKestrelEndpoints.Map(app);
    BareFanOutEndpoints.Map(app);
    app.MapGrpcService<BenchService>();
    return app;
}

static WebApplication BuildNaiveHubHost(BenchSettings settings)
{
    var builder = CreatePlainBuilder(settings);
    builder.Services.AddSingleton<NaiveHubService>();
    var app = builder.Build();
    app.MapGrpcService<NaiveHubService>();
    return app;
}

static WebApplication BuildNotifierHost(BenchSettings settings)
{
    // Identity is part of the path users get, so it stays on: every Notifier call needs "authorization: Bearer <key>"
    // (the bench scripts give an admin key as Security__AdminKey in the environment, out of the process list, and
    // send it on every call). The key store and the first-start credentials file go to a directory of this process's
    // own unless --Security:KeysFile and --Security:CredentialsFile say where (the bench scripts put them in their
    // work directory), so a bench never writes into the user's home; that directory goes when the server stops.
    string[] identityFiles = [];
    string? identityDirectory = null;
    if (!settings.HostConfiguration.Any(static s => s.StartsWith("--Security:KeysFile=", StringComparison.OrdinalIgnoreCase)) ||
        !settings.HostConfiguration.Any(static s => s.StartsWith("--Security:CredentialsFile=", StringComparison.OrdinalIgnoreCase)))
    {
        identityDirectory = Directory.CreateTempSubdirectory("nbbench-identity-").FullName;
        identityFiles =
        [
            "--Security:KeysFile=" + Path.Combine(identityDirectory, "keys.json"),
            "--Security:CredentialsFile=" + Path.Combine(identityDirectory, "credentials.json"),
        ];
    }

    var builder = BrokerHost.CreateBuilder(
    [
        "--urls=http://127.0.0.1:" + settings.Port.ToString(CultureInfo.InvariantCulture),
        "--Kestrel:Limits:Http2:MaxStreamsPerConnection=" + settings.MaxStreamsPerConnection.ToString(CultureInfo.InvariantCulture),
        "--Logging:LogLevel:Default=Warning",
        .. identityFiles,
        .. settings.HostConfiguration,
    ]);
    var app = BrokerHost.Build(builder);
    app.Lifetime.ApplicationStopped.Register(() =>
    {
        if (identityDirectory is null)
        {
            return;
        }

        try
        {
            Directory.Delete(identityDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Already gone, or still in use: it is in the temp directory either way.
        }
    });
    return app;
}
