// An OTLP sink: `dotnet NotifyBroker.OtlpSink.dll [--grpc-port 4317] [--http-port 4318]` (0 = any free port).
// Serves OTLP/gRPC (TraceService/MetricsService Export, on Grpc.AspNetCore) and OTLP/HTTP protobuf (/v1/traces,
// /v1/metrics), counts what arrives and throws it away. GET /stats on the HTTP port answers the counts as JSON.
// Prints one line "otlp-sink grpc=<url> http=<url>" once listening; stops on Ctrl+C / SIGTERM.
using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using NotifyBroker.Observability.Tests.Otlp.Collector.Metrics;
using NotifyBroker.Observability.Tests.Otlp.Collector.Trace;
using NotifyBroker.Observability.Tests.TestSupport;
using NotifyBroker.OtlpSink;

var grpcPort = PortArgument(args, "--grpc-port", 4317);
var httpPort = PortArgument(args, "--http-port", 4318);

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Loopback, grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
    kestrel.Listen(IPAddress.Loopback, httpPort, listen => listen.Protocols = HttpProtocols.Http1);
});
var counters = new SinkCounters();
builder.Services.AddGrpc();
builder.Services.AddSingleton(new OtlpTraceExport(request => { counters.Count(request); return new ExportTraceServiceResponse(); }));
builder.Services.AddSingleton(new OtlpMetricsExport(request => { counters.Count(request); return new ExportMetricsServiceResponse(); }));
var app = builder.Build();
app.MapGrpcService<OtlpTraceExport>();
app.MapGrpcService<OtlpMetricsExport>();

app.MapPost("/v1/traces", async context =>
{
    var request = ExportTraceServiceRequest.Parser.ParseFrom(await ReadBodyAsync(context.Request));
    counters.Count(request);
    await WriteProtobufAsync(context.Response, new ExportTraceServiceResponse());
});
app.MapPost("/v1/metrics", async context =>
{
    var request = ExportMetricsServiceRequest.Parser.ParseFrom(await ReadBodyAsync(context.Request));
    counters.Count(request);
    await WriteProtobufAsync(context.Response, new ExportMetricsServiceResponse());
});
app.MapGet("/stats", () => Results.Json(counters.Snapshot()));

await app.StartAsync();
var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToArray();
Console.WriteLine($"otlp-sink grpc={addresses[0]} http={addresses[1]}");
await app.WaitForShutdownAsync();

static int PortArgument(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

static async Task<byte[]> ReadBodyAsync(HttpRequest request)
{
    using var body = new MemoryStream();
    await request.Body.CopyToAsync(body);
    return body.ToArray();
}

static Task WriteProtobufAsync(HttpResponse response, IMessage message)
{
    response.ContentType = "application/x-protobuf";
    return response.Body.WriteAsync(message.ToByteArray()).AsTask();
}
