using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using NotifyBroker.Bench.Server;
using NotifyBroker.Grpc.Server;

// Usage: NotifyBroker.Bench.Server [--port N] [--max-streams N] [--alloc-profile]
// Listens on 127.0.0.1 with h2c prior knowledge (HTTP/2 only, no TLS) and prints "listening <port>" once ready,
// so bench/run.sh can start it on port 0 and read the port back.
var settings = BenchSettings.Parse(args);
if (settings.AllocationProfile)
{
    AllocationSampler.Start();
}

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
StatsEndpoint.Map(app);
app.MapGrpcService(BenchService.Create());

await app.StartAsync();
Console.WriteLine($"listening {BenchSettings.BoundPort(app)}");
await app.WaitForShutdownAsync();
