using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotifyBroker.Observability.Tests.Otlp.Collector.Metrics;
using NotifyBroker.Observability.Tests.Otlp.Collector.Trace;
using NotifyBroker.Observability.Tests.Otlp.Metrics;
using NotifyBroker.Observability.Tests.Otlp.Trace;

namespace NotifyBroker.Observability.Tests.TestSupport;

/// <summary>The two OTLP transports an exporter can be configured with (OTEL_EXPORTER_OTLP_PROTOCOL).</summary>
public enum OtlpProtocol
{
    /// <summary>"grpc": TraceService/Export and MetricsService/Export, served here by Grpc.AspNetCore.</summary>
    Grpc,
    /// <summary>"http/protobuf": POST /v1/traces and /v1/metrics with protobuf bodies.</summary>
    HttpProtobuf,
}

/// <summary>
/// An OTLP receiver on 127.0.0.1 (free port) that keeps everything exported to it. Export requests are decoded with
/// the transcribed OTLP protos; nothing is faked on the sending side, which is the real OpenTelemetry exporter.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ResourceSpans> _spans = [];
    private readonly List<ResourceMetrics> _metrics = [];
    private int _exportCalls;

    private OtlpReceiver(OtlpProtocol protocol, WebApplication app)
    {
        Protocol = protocol;
        _app = app;
    }

    public OtlpProtocol Protocol { get; }

    /// <summary>The value for OTEL_EXPORTER_OTLP_ENDPOINT.</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>The value for OTEL_EXPORTER_OTLP_PROTOCOL.</summary>
    public string ProtocolName => Protocol == OtlpProtocol.Grpc ? "grpc" : "http/protobuf";

    /// <summary>How many export requests (of either signal) arrived.</summary>
    public int ExportCalls => Volatile.Read(ref _exportCalls);

    public static async Task<OtlpReceiver> StartAsync(OtlpProtocol protocol)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
            listen.Protocols = protocol == OtlpProtocol.Grpc ? HttpProtocols.Http2 : HttpProtocols.Http1));
        builder.Services.AddGrpc();
        OtlpReceiver? created = null;
        builder.Services.AddSingleton(_ => new OtlpTraceExport(request => created!.Accept(request)));
        builder.Services.AddSingleton(_ => new OtlpMetricsExport(request => created!.Accept(request)));
        var app = builder.Build();
        var receiver = created = new OtlpReceiver(protocol, app);
        if (protocol == OtlpProtocol.Grpc)
        {
            app.MapGrpcService<OtlpTraceExport>();
            app.MapGrpcService<OtlpMetricsExport>();
        }
        else
        {
            app.MapPost("/v1/traces", context => HandleHttpAsync(context, ExportTraceServiceRequest.Parser, receiver.Accept));
            app.MapPost("/v1/metrics", context => HandleHttpAsync(context, ExportMetricsServiceRequest.Parser, receiver.Accept));
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver.Endpoint = address;
        return receiver;
    }

    /// <summary>Every span received so far, with its resource and scope.</summary>
    public IReadOnlyList<ExportedSpan> Spans
    {
        get
        {
            lock (_spans)
            {
                return [.. _spans.SelectMany(r => r.ScopeSpans.SelectMany(s => s.Spans.Select(span => new ExportedSpan(r.Resource, s.Scope, span))))];
            }
        }
    }

    /// <summary>Every metric received so far (each export of a cumulative metric is another entry).</summary>
    public IReadOnlyList<ExportedMetric> Metrics
    {
        get
        {
            lock (_metrics)
            {
                return [.. _metrics.SelectMany(r => r.ScopeMetrics.SelectMany(s => s.Metrics.Select(m => new ExportedMetric(r.Resource, s.Scope, m))))];
            }
        }
    }

    /// <summary>
    /// Waits until the spans received satisfy <paramref name="condition"/>, asking <paramref name="flush"/> to export
    /// before each look (spans end on the server's own threads, a little after the client sees its reply). The
    /// deadline only guards against a hang.
    /// </summary>
    public async Task<IReadOnlyList<ExportedSpan>> WaitForSpansAsync(Func<IReadOnlyList<ExportedSpan>, bool> condition, Action flush)
    {
        using var patience = new CancellationTokenSource(TestPatience.Timeout);
        while (true)
        {
            flush();
            var spans = Spans;
            if (condition(spans))
            {
                return spans;
            }

            if (patience.IsCancellationRequested)
            {
                Assert.Fail($"The expected spans were not exported. Received: {string.Join(", ", spans.Select(s => s.Name))}");
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>Waits until the metrics received satisfy <paramref name="condition"/> (see <see cref="WaitForSpansAsync"/>).</summary>
    public async Task<IReadOnlyList<ExportedMetric>> WaitForMetricsAsync(Func<IReadOnlyList<ExportedMetric>, bool> condition, Action flush)
    {
        using var patience = new CancellationTokenSource(TestPatience.Timeout);
        while (true)
        {
            flush();
            var metrics = Metrics;
            if (condition(metrics))
            {
                return metrics;
            }

            if (patience.IsCancellationRequested)
            {
                Assert.Fail($"The expected metrics were not exported. Received: {string.Join(", ", metrics.Select(m => m.Metric.Name).Distinct())}");
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private ExportTraceServiceResponse Accept(ExportTraceServiceRequest request)
    {
        Interlocked.Increment(ref _exportCalls);
        lock (_spans)
        {
            _spans.AddRange(request.ResourceSpans);
        }

        return new ExportTraceServiceResponse();
    }

    private ExportMetricsServiceResponse Accept(ExportMetricsServiceRequest request)
    {
        Interlocked.Increment(ref _exportCalls);
        lock (_metrics)
        {
            _metrics.AddRange(request.ResourceMetrics);
        }

        return new ExportMetricsServiceResponse();
    }

    private static async Task HandleHttpAsync<TRequest, TResponse>(HttpContext context, MessageParser<TRequest> parser, Func<TRequest, TResponse> accept)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        if (context.Request.ContentType != "application/x-protobuf")
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var response = accept(parser.ParseFrom(body.ToArray()));
        context.Response.ContentType = "application/x-protobuf";
        await context.Response.Body.WriteAsync(response.ToByteArray());
    }
}
