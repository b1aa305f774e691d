using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Server;

internal static class ServerAssert
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    /// <summary>The server still answers an ordinary call correctly.</summary>
    public static async Task HealthyAsync(TestGrpcServer server)
    {
        using var client = server.CreateHttp2Client();
        var result = await RawGrpc.CallAsync(client, EchoService.UnaryMethod.FullName, new EchoRequest { Text = "still alive" }).WaitAsync(Guard);
        Assert.Equal(200, result.HttpStatus);
        Assert.Equal(StatusCode.OK, result.StatusCode);
        Assert.Equal("still alive", result.Message(EchoResponse.Parser).Text);
    }
}
