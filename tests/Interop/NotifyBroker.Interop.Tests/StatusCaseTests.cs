using NotifyBroker.Grpc;
using NotifyBroker.Interop.TestHost;
using NotifyBroker.Interop.Testing;

namespace NotifyBroker.Interop.Tests;

/// <summary>The interop cases about statuses: echoed codes and messages, and calls nobody implements.</summary>
public sealed class StatusCaseTests : InteropTestBase
{
    private const string SpecialMessage = "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \U0001F608\t\n";

    [Fact]
    public async Task status_code_and_message()
    {
        var status = new EchoStatus { Code = 2, Message = "test status message" };

        var unary = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryAsync(TestServiceMethods.UnaryCall, new SimpleRequest { ResponseStatus = status }, Guarded()));
        Assert.Equal(StatusCode.Unknown, unary.StatusCode);
        Assert.Equal("test status message", unary.Status.Detail);

        using var duplex = Channel.DuplexStreaming(TestServiceMethods.FullDuplexCall, Guarded());
        await duplex.RequestStream.WriteAsync(new StreamingOutputCallRequest { ResponseStatus = status });
        await duplex.RequestStream.CompleteAsync();
        var streamed = await Assert.ThrowsAsync<RpcException>(() => duplex.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Unknown, streamed.StatusCode);
        Assert.Equal("test status message", streamed.Status.Detail);
    }

    [Fact]
    public async Task special_status_message()
    {
        var request = new SimpleRequest { ResponseStatus = new EchoStatus { Code = 2, Message = SpecialMessage } };

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryAsync(TestServiceMethods.UnaryCall, request, Guarded()));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Equal(SpecialMessage, error.Status.Detail);
    }

    [Fact]
    public async Task unimplemented_method()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryAsync(TestServiceMethods.UnimplementedCall, new Empty(), Guarded()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task unimplemented_service()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Channel.UnaryAsync(UnimplementedServiceMethods.UnimplementedCall, new Empty(), Guarded()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }
}
