using System.Net;
using NotifyBroker.Grpc.Server;
using NotifyBroker.Grpc.Tests.Protos;
using Microsoft.Extensions.DependencyInjection;

namespace NotifyBroker.Grpc.Tests.Server;

public sealed class RoutingTests : ServerTestBase
{
    [Fact]
    public async Task An_unknown_service_is_unimplemented_in_a_trailers_only_200()
    {
        var result = await RawGrpc.CallAsync(Client, "/nb.grpc.tests.Unregistered/Nothing", new EchoRequest());

        Assert.Equal(200, result.HttpStatus);
        Assert.True(result.IsTrailersOnly);
        Assert.Equal(StatusCode.Unimplemented, result.StatusCode);
        Assert.Equal("Service is unimplemented.", result.RawMessage);
        Assert.Equal("application/grpc", result.Single("content-type"));
    }

    [Fact]
    public async Task An_unknown_method_of_a_known_service_is_unimplemented()
    {
        var result = await RawGrpc.CallAsync(Client, "/nb.grpc.tests.Echo/Missing", new EchoRequest());

        Assert.Equal(200, result.HttpStatus);
        Assert.True(result.IsTrailersOnly);
        Assert.Equal(StatusCode.Unimplemented, result.StatusCode);
        Assert.Equal("Method is unimplemented.", result.RawMessage);
    }

    [Theory]
    [InlineData("/nb.grpc.tests.Echo/unary", "Method is unimplemented.")]
    [InlineData("/nb.grpc.tests.echo/Unary", "Service is unimplemented.")]
    public async Task Paths_are_case_sensitive(string path, string expectedMessage)
    {
        var result = await RawGrpc.CallAsync(Client, path, new EchoRequest());

        Assert.Equal(StatusCode.Unimplemented, result.StatusCode);
        Assert.Equal(expectedMessage, result.RawMessage);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("application/grpcx")]
    public async Task A_non_grpc_content_type_gets_415_with_a_grpc_status(string contentType)
    {
        var result = await RawGrpc.CallAsync(Client, RawGrpc.Request(EchoService.UnaryMethod.FullName, RawGrpc.Frame(new EchoRequest()), contentType));

        Assert.Equal(415, result.HttpStatus);
        Assert.Equal(StatusCode.Internal, result.StatusCode);
        await ServerAssert.HealthyAsync(Server);
    }

    [Theory]
    [InlineData("application/grpc+proto")]
    [InlineData("application/grpc; charset=utf-8")]
    public async Task Content_type_variants_are_accepted(string contentType)
    {
        var result = await RawGrpc.CallAsync(Client, RawGrpc.Request(EchoService.UnaryMethod.FullName, RawGrpc.Frame(new EchoRequest { Text = "x" }), contentType));

        Assert.Equal(StatusCode.OK, result.StatusCode);
        Assert.Equal("x", result.Message(EchoResponse.Parser).Text);
    }

    /// <summary>
    /// Our 426 is reachable only on endpoints that accept HTTP/1.x: Http1AndHttp2 (in practice https://, where ALPN
    /// picks the protocol) or HTTP/1-only listeners like the test server's second one. On the broker's HTTP/2-only
    /// endpoints Kestrel refuses HTTP/1.x itself with a plain 400 (NotifyBroker.Server.Tests Http1RefusalTests).
    /// </summary>
    [Fact]
    public async Task Http1_is_refused_with_426_and_a_grpc_status()
    {
        using var http1 = Server.CreateHttp1Client();

        var request = RawGrpc.Request(EchoService.UnaryMethod.FullName, RawGrpc.Frame(new EchoRequest()));
        request.Version = HttpVersion.Version11;

        var result = await RawGrpc.CallAsync(http1, request);

        Assert.Equal((int)HttpStatusCode.UpgradeRequired, result.HttpStatus);
        Assert.Equal("h2c", result.Single("upgrade"));
        Assert.Equal(StatusCode.Internal, result.StatusCode);
        await ServerAssert.HealthyAsync(Server);
    }

    [Fact]
    public async Task Non_post_methods_get_405()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, EchoService.UnaryMethod.FullName)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("content-type", "application/grpc");

        var result = await RawGrpc.CallAsync(Client, request);

        Assert.Equal(405, result.HttpStatus);
        Assert.Equal("POST", result.Single("allow"));
        Assert.Equal(StatusCode.Internal, result.StatusCode);
    }

    [Fact]
    public async Task Non_grpc_requests_to_unknown_paths_still_get_a_plain_404()
    {
        using var response = await Client.GetAsync("/not/grpc");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains("grpc-status"));
    }

    [Fact]
    public void The_registry_lists_mapped_services_by_exact_name()
    {
        var registry = Server.Services.GetRequiredService<GrpcServiceRegistry>();

        var service = Assert.Single(registry.Services);
        Assert.Equal("nb.grpc.tests.Echo", service.Service.FullName);
        Assert.Same(service, registry.Find("nb.grpc.tests.Echo"));
        Assert.Null(registry.Find("nb.grpc.tests.echo"));
    }
}
