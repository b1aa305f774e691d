using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotifyBroker.Grpc.Server;
using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Client;

/// <summary>
/// Our own gRPC server (Kestrel, HTTP/2, 127.0.0.1, free port) serving a small Echo service, for end-to-end tests of
/// the client. The handlers record what they observed so a test can assert on the server side too.
/// </summary>
internal sealed class OurGrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OurGrpcServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Completes when a handler's CancellationToken fired (client reset or deadline).</summary>
    public TaskCompletionSource HandlerSawCancellation { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a handler has started waiting to be cancelled.</summary>
    public TaskCompletionSource HandlerWaiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<OurGrpcServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpcServer();
        var app = builder.Build();
        var signals = new Signals();
        app.MapGrpcService(CreateEcho(signals));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var server = new OurGrpcServer(app, new Uri(address));
        signals.Server = server;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static ServiceDefinition CreateEcho(Signals signals) =>
        ServiceDefinition.CreateBuilder(TestEchoReflection.Descriptor.Services.Single(s => s.Name == "Echo"))
            .AddUnary(EchoMethods.Unary, async (request, context) =>
            {
                await EchoMetadataAsync(context);
                if (request.ResponseEncoding.Length > 0)
                {
                    context.ResponseEncoding = request.ResponseEncoding;
                }

                if (request.DelayMs > 0)
                {
                    await signals.WaitForCancellationAsync(TimeSpan.FromMilliseconds(request.DelayMs), context.CancellationToken);
                }

                if (request.FailWithCode != 0)
                {
                    throw new RpcException(
                        new Status((StatusCode)request.FailWithCode, request.FailWithMessage),
                        new Metadata().Add("x-error-detail", "from-handler"));
                }

                return new EchoResponse { Text = request.Text, Payload = request.Payload, RequestWasCompressed = context.LastRequestWasCompressed };
            })
            .AddClientStreaming(EchoMethods.ClientStream, async (requests, context) =>
            {
                var texts = new System.Text.StringBuilder();
                var flags = new List<string>();
                var count = 0;
                while (await requests.MoveNext(CancellationToken.None))
                {
                    count++;
                    texts.Append(requests.Current.Text);
                    flags.Add(context.LastRequestWasCompressed ? "1" : "0");
                }

                return new EchoResponse { Count = count, Text = texts + "|" + string.Join(",", flags) };
            })
            .AddServerStreaming(EchoMethods.ServerStream, async (request, responses, context) =>
            {
                if (request.Text == "wait")
                {
                    await responses.WriteAsync(new EchoResponse { Text = "first" });
                    signals.Server!.HandlerWaiting.TrySetResult();
                    await signals.WaitForCancellationAsync(Timeout.InfiniteTimeSpan, context.CancellationToken);
                    return;
                }

                for (var i = 0; i < request.Repeat; i++)
                {
                    await responses.WriteAsync(new EchoResponse { Text = request.Text, Count = i });
                }

                if (request.FailWithCode != 0)
                {
                    throw new RpcException(new Status((StatusCode)request.FailWithCode, request.FailWithMessage));
                }
            })
            .AddDuplexStreaming(EchoMethods.Duplex, async (requests, responses, context) =>
            {
                var count = 0;
                while (await requests.MoveNext(CancellationToken.None))
                {
                    count++;
                    await responses.WriteAsync(new EchoResponse { Text = requests.Current.Text, Count = count, Payload = requests.Current.Payload });
                }
            })
            .Build();

    private static Task EchoMetadataAsync(ServerCallContext context)
    {
        foreach (var entry in context.RequestHeaders)
        {
            if (entry.Key.StartsWith("x-trailing-", StringComparison.Ordinal))
            {
                context.ResponseTrailers.Add(entry);
            }
        }

        var initial = new Metadata();
        foreach (var entry in context.RequestHeaders)
        {
            if (entry.Key.StartsWith("x-initial-", StringComparison.Ordinal))
            {
                initial.Add(entry);
            }
        }

        return initial.Count > 0 ? context.WriteResponseHeadersAsync(initial) : Task.CompletedTask;
    }

    /// <summary>Lets the handlers, built before the server object exists, report to it.</summary>
    private sealed class Signals
    {
        public OurGrpcServer? Server { get; set; }

        public async Task WaitForCancellationAsync(TimeSpan delay, CancellationToken cancellationToken)
        {
            try
            {
                await Task.Delay(delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Server!.HandlerSawCancellation.TrySetResult();
                throw;
            }
        }
    }
}
