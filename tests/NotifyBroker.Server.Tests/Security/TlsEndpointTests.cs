using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Grpc.Core;
using Grpc.Health.V1;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Tests.TestSupport;

namespace NotifyBroker.Server.Tests.Security;

/// <summary>
/// HTTPS endpoints from configuration, the way an operator writes them: Kestrel:Endpoints:&lt;name&gt; with a PEM
/// certificate and key (plain or password-encrypted) or a PFX, and --urls https://… with Kestrel:Certificates:Default.
/// Each is served with the broker's own Kestrel settings (HTTP/2 only), so ALPN must pick h2, and our client
/// (Grpc.Net.Client trusting only the test's self-signed certificate, the admin key as call credentials) must get
/// health, Subscribe and Send through. grpc-js and grpcio do the same against the real process in tests/Interop.
/// </summary>
public sealed class TlsEndpointTests : IDisposable
{
    private readonly TlsTestCertificate _certificate = TlsTestCertificate.Create();

    public static TheoryData<string> Configurations => new()
    {
        "endpoint-pem",
        "endpoint-pem-encrypted-key",
        "endpoint-pfx",
        "urls-default-certificate-pem",
        "urls-default-certificate-pfx",
    };

    public void Dispose() => _certificate.Dispose();

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task An_https_endpoint_from_configuration_negotiates_h2_and_serves_our_client(string configuration)
    {
        await using var broker = await TlsBroker.StartAsync(_certificate.Directory, Settings(configuration));
        Assert.StartsWith("https://127.0.0.1:", broker.Address, StringComparison.Ordinal);

        var (protocol, alpn) = await HandshakeAsync(broker.Address, [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11]);
        Assert.Equal(SslApplicationProtocol.Http2, alpn);
        Assert.True(protocol >= SslProtocols.Tls12, $"negotiated {protocol}");

        using var channel = broker.OpenChannel(_certificate.TrustingHandler());
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: Deadline());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        var notifier = new Contracts.V1.Notifier.NotifierClient(channel);
        var alias = "tls-" + configuration;
        using var stream = notifier.Subscribe(new SubscribeRequest { HoldAliases = { alias } });
        await stream.OpenAsync();
        var reply = await notifier.SendAsync(new SendRequest { MsgName = alias, Text = "over TLS" }, deadline: Deadline());
        Assert.Equal(SendPath.Alias, reply.Path);
        var received = await stream.NextMessageAsync();
        Assert.Equal(Event.KindOneofCase.AliasMessage, received.KindCase);
        Assert.Equal("over TLS", received.AliasMessage.Text);
    }

    [Fact]
    public async Task The_certificate_names_localhost_too_so_a_client_may_use_the_host_name()
    {
        await using var broker = await TlsBroker.StartAsync(_certificate.Directory, Settings("endpoint-pem"));
        var byName = broker.Address.Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        using var channel = broker.OpenChannel(byName, _certificate.TrustingHandler());

        var listed = await new Contracts.V1.Notifier.NotifierClient(channel).ListAliasesAsync(new ListAliasesRequest(), deadline: Deadline());
        Assert.NotNull(listed);
    }

    [Fact]
    public async Task Only_h2_is_offered_a_client_that_offers_only_http1_fails_the_handshake()
    {
        await using var broker = await TlsBroker.StartAsync(_certificate.Directory, Settings("endpoint-pem"));

        await Assert.ThrowsAnyAsync<AuthenticationException>(() => HandshakeAsync(broker.Address, [SslApplicationProtocol.Http11]));
    }

    [Fact]
    public async Task A_client_that_does_not_trust_the_certificate_is_refused()
    {
        await using var broker = await TlsBroker.StartAsync(_certificate.Directory, Settings("endpoint-pem"));
        using var channel = broker.OpenChannel(new SocketsHttpHandler());

        var failure = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: Deadline()));
        // Grpc.Net.Client reports a failed handshake as INTERNAL (older versions: UNAVAILABLE); the cause is what counts.
        Assert.True(failure.StatusCode is StatusCode.Internal or StatusCode.Unavailable, $"{failure.Status}");
        Assert.Contains(Chain(failure.Status.DebugException), static e => e is AuthenticationException);
    }

    private string[] Settings(string configuration) => configuration switch
    {
        "endpoint-pem" =>
        [
            "--Kestrel:Endpoints:Grpc:Url=https://127.0.0.1:0",
            $"--Kestrel:Endpoints:Grpc:Certificate:Path={_certificate.CertificatePemPath}",
            $"--Kestrel:Endpoints:Grpc:Certificate:KeyPath={_certificate.KeyPemPath}",
        ],
        "endpoint-pem-encrypted-key" =>
        [
            "--Kestrel:Endpoints:Grpc:Url=https://127.0.0.1:0",
            $"--Kestrel:Endpoints:Grpc:Certificate:Path={_certificate.CertificatePemPath}",
            $"--Kestrel:Endpoints:Grpc:Certificate:KeyPath={_certificate.EncryptedKeyPemPath}",
            $"--Kestrel:Endpoints:Grpc:Certificate:Password={TlsTestCertificate.Password}",
        ],
        "endpoint-pfx" =>
        [
            "--Kestrel:Endpoints:Grpc:Url=https://127.0.0.1:0",
            $"--Kestrel:Endpoints:Grpc:Certificate:Path={_certificate.PfxPath}",
            $"--Kestrel:Endpoints:Grpc:Certificate:Password={TlsTestCertificate.Password}",
        ],
        "urls-default-certificate-pem" =>
        [
            "--urls", "https://127.0.0.1:0",
            $"--Kestrel:Certificates:Default:Path={_certificate.CertificatePemPath}",
            $"--Kestrel:Certificates:Default:KeyPath={_certificate.KeyPemPath}",
        ],
        "urls-default-certificate-pfx" =>
        [
            "--urls", "https://127.0.0.1:0",
            $"--Kestrel:Certificates:Default:Path={_certificate.PfxPath}",
            $"--Kestrel:Certificates:Default:Password={TlsTestCertificate.Password}",
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(configuration), configuration, "no such configuration"),
    };

    /// <summary>A bare TLS handshake to <paramref name="address"/> offering <paramref name="protocols"/> by ALPN, trusting the test certificate.</summary>
    private async Task<(SslProtocols Protocol, SslApplicationProtocol Alpn)> HandshakeAsync(string address, List<SslApplicationProtocol> protocols)
    {
        var uri = new Uri(address);
        using var tcp = new TcpClient();
        using var timeout = new CancellationTokenSource(Streams.Patience);
        await tcp.ConnectAsync(uri.Host, uri.Port, timeout.Token);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ApplicationProtocols = protocols,
            CertificateChainPolicy = _certificate.TrustOnlyThis(),
        }, timeout.Token);
        return (tls.SslProtocol, tls.NegotiatedApplicationProtocol);
    }

    private static IEnumerable<Exception> Chain(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            yield return error;
        }
    }

    private static DateTime Deadline() => DateTime.UtcNow + Streams.Patience;
}
