using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using NotifyBroker.Bench.Server;
using NotifyBroker.Grpc.Server;
using NotifyBroker.Server.Hosting;

// Usage: NotifyBroker.Bench.Server [--port N] [--max-streams N] [--alloc-profile] [--notifier [--Section:Key=value]...]
// Listens on 127.0.0.1 with h2c prior knowledge (HTTP/2 only, no TLS) and prints "listening <port>" once ready,
// so the bench scripts can start it on port 0 and read the port back. --notifier hosts the real broker
// (BrokerHost, exactly as NotifyBroker.Server builds it) instead of the bench endpoints, plus /stats, so fan-out
// runs can read the broker's GC heap and allocations.
var settings = BenchSettings.Parse(args);
if (settings.AllocationProfile)
{
    AllocationSampler.Start();
}

var app = settings.HostNotifier ? BuildNotifierHost(settings) : BuildBenchHost(settings);
StatsEndpoint.Map(app);

await app.StartAsync();
Console.WriteLine($"listening {BenchSettings.BoundPort(app)}");
await app.WaitForShutdownAsync();

static WebApplication BuildBenchHost(BenchSettings settings)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(kestrel =>
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.Http2.MaxStreamsPerConnection = settings.MaxStreamsPerConnection;
        kestrel.Listen(IPAddress.Loopback, settings.Port, listen => listen.Protocols = HttpProtocols.Http2);
    });
    builder.Services.AddGrpcServer();

    var app = builder.Build();
    BareKestrelEndpoints.Map(app);
    BareFanOutEndpoints.Map(app);
    app.MapGrpcService(BenchService.Create());
    return app;
}

static WebApplication BuildNotifierHost(BenchSettings settings)
{
    var builder = BrokerHost.CreateBuilder(
    [
        "--urls=http://127.0.0.1:" + settings.Port.ToString(CultureInfo.InvariantCulture),
        "--Kestrel:Limits:Http2:MaxStreamsPerConnection=" + settings.MaxStreamsPerConnection.ToString(CultureInfo.InvariantCulture),
        "--Logging:LogLevel:Default=Warning",
        .. settings.HostConfiguration,
    ]);
    return BrokerHost.Build(builder);
}
