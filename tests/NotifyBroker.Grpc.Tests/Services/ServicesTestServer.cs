using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Grpc.Server;
using NotifyBroker.Grpc.Services.Health;
using NotifyBroker.Grpc.Services.Reflection;

namespace NotifyBroker.Grpc.Tests.Services;

/// <summary>
/// A real Kestrel (HTTP/2 only, 127.0.0.1, free port) serving health and both reflection versions, and a channel to it.
/// Reflection also describes <see cref="LayeredDescriptors.ApiService"/>, a service known only by its descriptors
/// (it is not bound), whose files import each other: what generic tools meet.
/// </summary>
internal sealed class ServicesTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServicesTestServer(WebApplication app, HealthStatusRegistry health, GrpcChannel channel)
    {
        _app = app;
        Health = health;
        Channel = channel;
    }

    public HealthStatusRegistry Health { get; }

    public GrpcChannel Channel { get; }

    public static async Task<ServicesTestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? http2 = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => (http2 = listen).Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpcServer();

        var app = builder.Build();
        var health = new HealthStatusRegistry();
        var registry = app.Services.GetRequiredService<GrpcServiceRegistry>();
        app.MapGrpcService(HealthService.CreateDefinition(health));
        var reflection = new ReflectionService(() => registry.Services.Select(s => s.Service).Append(LayeredDescriptors.ApiService));
        app.MapGrpcService(reflection.CreateV1Definition());
        app.MapGrpcService(reflection.CreateV1AlphaDefinition());

        await app.StartAsync();
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{http2!.IPEndPoint!.Port}");
        return new ServicesTestServer(app, health, channel);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.DisposeAsync();
    }
}
