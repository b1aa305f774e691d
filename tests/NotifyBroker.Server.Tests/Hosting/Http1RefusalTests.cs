using System.Net;
using System.Net.Http.Headers;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Tests.TestSupport;

namespace NotifyBroker.Server.Tests.Hosting;

/// <summary>
/// What an HTTP/1.x client gets from the real broker. Its endpoints are HTTP/2 only, because Kestrel cannot serve
/// both on one cleartext endpoint: with Http1AndHttp2 and no TLS it speaks HTTP/1.1 only and answers an HTTP/2
/// prior-knowledge preface with GOAWAY HTTP_1_1_REQUIRED (checked with curl --http2-prior-knowledge, h2load and our
/// client). So HTTP/1.x is refused by Kestrel itself, before any gRPC code runs: a plain 400, no grpc-status.
/// </summary>
public sealed class Http1RefusalTests
{
    [Fact]
    public async Task Http1_is_refused_by_Kestrel_with_a_plain_400_and_the_broker_keeps_serving()
    {
        await using var host = await BrokerTestHost.StartAsync();
        using var http1 = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(host.Address), "/notify.v1.Notifier/ListAliases"))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(new byte[5]), // one empty message: a well-formed gRPC request body
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");

        using var response = await http1.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(new Version(1, 1), response.Version);
        Assert.False(response.Headers.Contains("grpc-status"));
        Assert.Contains("HTTP/2 only endpoint", body, StringComparison.Ordinal);

        using var healthy = host.Grpc.ListAliasesAsync(new ListAliasesRequest());
        Assert.NotNull(await healthy.ResponseAsync.WaitAsync(TimeSpan.FromSeconds(60)));
    }
}
