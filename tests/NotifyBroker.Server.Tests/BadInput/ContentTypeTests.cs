using Grpc.Core;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Tests.TestSupport;

namespace NotifyBroker.Server.Tests.BadInput;

/// <summary>
/// A POST to a Notifier method whose content-type is not application/grpc[+proto]: Grpc.AspNetCore answers it before
/// reading the body, with HTTP 415 Unsupported Media Type, and (so a gRPC client still gets a status) grpc-status
/// INTERNAL and a message naming the content-type, in the headers of a body-less response. (application/grpc-web is
/// served now: gRPC-Web is enabled on Notifier, Keys and health.)
/// </summary>
public sealed class ContentTypeTests
{
    [Theory]
    [InlineData(RawGrpc.ListAliases, "application/json")]
    [InlineData(RawGrpc.ListAliases, "text/plain")]
    [InlineData(RawGrpc.ListAliases, "application/grpc-webx")]
    [InlineData(RawGrpc.Subscribe, "application/json")]
    [InlineData(RawGrpc.Subscribe, "application/grpcx")]
    public async Task A_wrong_content_type_is_HTTP_415_with_grpc_status_INTERNAL(string path, string contentType)
    {
        await using var host = await BrokerTestHost.StartAsync();
        using var client = RawGrpc.CreateClient(host.Address);

        var result = await RawGrpc.CallAsync(client, RawGrpc.Request(path, RawGrpc.Frame(new ListAliasesRequest()), contentType));

        Assert.Equal(415, result.HttpStatus);
        Assert.True(result.StatusCode == StatusCode.Internal, result.ToString());
        Assert.Equal($"Content-Type '{contentType}' is not supported.", result.Message);
        await BrokerAssert.ServesAsync(host);
    }

    [Theory]
    [InlineData(RawGrpc.ListAliases)]
    [InlineData(RawGrpc.Subscribe)]
    public async Task No_content_type_at_all_is_HTTP_415_with_grpc_status_INTERNAL(string path)
    {
        await using var host = await BrokerTestHost.StartAsync();
        using var client = RawGrpc.CreateClient(host.Address);

        var result = await RawGrpc.CallAsync(client, RawGrpc.Request(path, RawGrpc.Frame(new ListAliasesRequest()), contentType: null));

        Assert.Equal(415, result.HttpStatus);
        Assert.True(result.StatusCode == StatusCode.Internal, result.ToString());
        await BrokerAssert.ServesAsync(host);
    }

    [Fact]
    public async Task Application_grpc_proto_is_accepted_as_application_grpc()
    {
        await using var host = await BrokerTestHost.StartAsync();
        using var client = RawGrpc.CreateClient(host.Address);
        await host.Client.AddAliasAsync("typed");

        var result = await RawGrpc.CallAsync(client, RawGrpc.Request(RawGrpc.ListAliases, RawGrpc.Frame(new ListAliasesRequest()), "application/grpc+proto"));

        Assert.True(result.StatusCode == StatusCode.OK, result.ToString());
        Assert.Equal("typed", Assert.Single(result.Reply(ListAliasesReply.Parser).Aliases).Name);
        await BrokerAssert.ServesAsync(host);
    }
}
