using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Grpc.Server;
using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Client;

/// <summary>
/// https:// addresses: TLS with ALPN choosing "h2", the server certificate checked by the channel's callback.
/// The server is Kestrel on 127.0.0.1:0 with an in-memory self-signed certificate and HTTP/2 only.
/// </summary>
public sealed class TlsTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Protocol, bool IsHttps)> _requestsSeen = new();
    private X509Certificate2 _certificate = null!;
    private WebApplication _app = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        _certificate = CreateSelfSignedCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(_certificate);
        }));
        builder.Services.AddGrpcServer();
        _app = builder.Build();
        _app.Use((context, next) =>
        {
            _requestsSeen.Enqueue((context.Request.Protocol, context.Request.IsHttps));
            return next(context);
        });
        _app.MapGrpcService(ServiceDefinition.CreateBuilder(TestEchoReflection.Descriptor.Services.Single(s => s.Name == "Echo"))
            .AddUnary(EchoMethods.Unary, static (request, _) => Task.FromResult(new EchoResponse { Text = request.Text }))
            .AddServerStreaming(EchoMethods.ServerStream, static async (request, responses, _) =>
            {
                for (var i = 0; i < request.Repeat; i++)
                {
                    await responses.WriteAsync(new EchoResponse { Text = $"{request.Text} {i}" });
                }
            })
            .Build());
        await _app.StartAsync();
        var bound = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        Assert.Equal(Uri.UriSchemeHttps, bound.Scheme);
        _address = bound;
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task Unary_and_server_streaming_calls_succeed_over_TLS_with_HTTP2_negotiated()
    {
        var callbackSawOurCertificate = false;
        using var channel = GrpcChannel.ForAddress(_address, new GrpcChannelOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                callbackSawOurCertificate = certificate is not null && certificate.GetCertHashString() == _certificate.GetCertHashString(),
        });

        using var unary = channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "over tls" });
        var reply = await unary.ResponseAsync.Within();
        using var stream = channel.ServerStreaming(EchoMethods.ServerStream, new EchoRequest { Text = "tick", Repeat = 3 });
        var streamed = new List<string>();
        while (await stream.ResponseStream.MoveNext(CancellationToken.None).Within())
        {
            streamed.Add(stream.ResponseStream.Current.Text);
        }

        Assert.True(callbackSawOurCertificate);
        Assert.Equal("over tls", reply.Text);
        Assert.Equal(["tick 0", "tick 1", "tick 2"], streamed);
        Assert.Equal(StatusCode.OK, stream.GetStatus().StatusCode);
        Assert.Equal([("HTTP/2", true), ("HTTP/2", true)], _requestsSeen.ToArray());
    }

    [Fact]
    public async Task A_certificate_the_callback_rejects_fails_the_call_unavailable_without_reaching_the_server()
    {
        using var channel = GrpcChannel.ForAddress(_address, new GrpcChannelOptions
        {
            RemoteCertificateValidationCallback = static (_, _, _, _) => false,
        });

        using var call = channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "refused" });
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.Within());

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Empty(_requestsSeen);
    }

    private static X509Certificate2 CreateSelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var subjectAlternativeNames = new SubjectAlternativeNameBuilder();
        subjectAlternativeNames.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(subjectAlternativeNames.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // serverAuth
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));

        // Through PKCS#12 so the private key is usable by the TLS stack on every platform (not only an ephemeral key).
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), password: null);
    }
}
