using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotifyBroker.Grpc.Server;

namespace NotifyBroker.Grpc.Tests.Server;

/// <summary>
/// A real Kestrel on 127.0.0.1 with two free ports: HTTP/2 only (prior knowledge, what gRPC clients use) and
/// HTTP/1.1 only (to prove HTTP/1 is refused cleanly where it reaches us; the broker itself has no such listener and
/// Kestrel refuses HTTP/1.x on its HTTP/2-only endpoints before our code runs). Serves the Echo test service.
/// </summary>
internal sealed class TestGrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestGrpcServer(WebApplication app, EchoService echo, ListenOptions http2, ListenOptions http1)
    {
        _app = app;
        Echo = echo;

        // Kestrel writes the port it bound back into the listen options.
        Http2Address = new Uri($"http://127.0.0.1:{http2.IPEndPoint!.Port}");
        Http1Address = new Uri($"http://127.0.0.1:{http1.IPEndPoint!.Port}");
    }

    public EchoService Echo { get; }

    public Uri Http2Address { get; }

    public Uri Http1Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestGrpcServer> StartAsync(Action<GrpcServerOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("NB_TEST_SERVER_LOG") == "1")
        {
            builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Debug);
        }
        ListenOptions? http2 = null;
        ListenOptions? http1 = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => (http2 = listen).Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, 0, listen => (http1 = listen).Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddGrpcServer(configure);
        services?.Invoke(builder.Services);

        var app = builder.Build();
        var echo = new EchoService();
        app.MapGrpcService(echo.Definition);
        await app.StartAsync();
        return new TestGrpcServer(app, echo, http2!, http1!);
    }

    /// <summary>An HTTP/2-only client (no fallback to HTTP/1.1), as a gRPC client would be.</summary>
    public HttpClient CreateHttp2Client() => new(new SocketsHttpHandler())
    {
        BaseAddress = Http2Address,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>
    /// An HTTP/2 client whose TCP connections the test can cut without any HTTP/2 goodbye, like a crashed client or
    /// a pulled cable.
    /// </summary>
    public HttpClient CreateHttp2Client(List<System.Net.Sockets.Socket> connections)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                lock (connections)
                {
                    connections.Add(socket);
                }

                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler)
        {
            BaseAddress = Http2Address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public HttpClient CreateHttp1Client() => new(new SocketsHttpHandler())
    {
        BaseAddress = Http1Address,
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
