using Google.Protobuf;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Client;

/// <summary>Our client against our own gRPC server on Kestrel, every method kind.</summary>
public sealed class EndToEndTests
{
    private static readonly Method<EchoRequest, EchoResponse> Unregistered =
        MethodLookup.Find<EchoRequest, EchoResponse>(TestEchoReflection.Descriptor.Services.Single(s => s.Name == "Unregistered"), "Nothing");

    [Fact]
    public async Task Unary_round_trip_with_initial_and_trailing_metadata()
    {
        await using var server = await OurGrpcServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);
        var headers = new Metadata().Add("x-initial-name", "value").Add("x-trailing-blob-bin", [0xAB, 0xAB, 0xAB]);

        using var call = channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "hello", Payload = ByteString.CopyFrom(new byte[314_159]) }, new CallOptions { Headers = headers });
        var response = await call.ResponseAsync.Within();

        Assert.Equal("hello", response.Text);
        Assert.Equal(314_159, response.Payload.Length);
        Assert.Equal("value", (await call.ResponseHeadersAsync.Within()).GetValue("x-initial-name"));
        Assert.Equal(new byte[] { 0xAB, 0xAB, 0xAB }, call.GetTrailers().GetValueBytes("x-trailing-blob-bin"));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Handler_error_arrives_with_status_message_and_trailers()
    {
        await using var server = await OurGrpcServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { FailWithCode = 5, FailWithMessage = "alias ☺ not found 100%" }).ResponseAsync.Within());

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("alias ☺ not found 100%", error.Status.Detail);
        Assert.Equal("from-handler", error.Trailers.GetValue("x-error-detail"));
    }

    [Fact]
    public async Task Unknown_service_is_UNIMPLEMENTED()
    {
        await using var server = await OurGrpcServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(Unregistered, new EchoRequest()).ResponseAsync.Within());

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task Server_streaming_of_many_messages_then_an_error_status()
    {
        await using var server = await OurGrpcServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.ServerStreaming(EchoMethods.ServerStream, new EchoRequest { Text = "n", Repeat = 1000, FailWithCode = 10, FailWithMessage = "aborted" });
        var counts = new List<int>();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync())
            {
                counts.Add(response.Count);
            }
        });

        Assert.Equal(Enumerable.Range(0, 1000), counts);
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
    }

    [Fact]
    public async Task Client_streaming_with_gzip_requests_and_a_gzip_response()
    {
        await using var server = await OurGrpcServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { CompressionEncoding = "gzip" });

        using var call = channel.ClientStreaming(EchoMethods.ClientStream);
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "a" }).Within();
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "b" }).Within();
        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.NoCompress);
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "c" }).Within();
        await call.RequestStream.CompleteAsync().Within();
        var response = await call.ResponseAsync.Within();

        Assert.Equal(3, response.Count);
        Assert.Equal("abc|1,1,0", response.Text); // the server saw the Compressed-Flag of each message

        var compressedResponse = await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = new string('q', 5000), ResponseEncoding = "gzip" }).ResponseAsync.Within();
        Assert.Equal(new string('q', 5000), compressedResponse.Text);
        Assert.True(compressedResponse.RequestWasCompressed);
    }

    [Fact]
    public async Task Duplex_ping_pong()
    {
        await using var server = await OurGrpcServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.DuplexStreaming(EchoMethods.Duplex);
        for (var i = 1; i <= 20; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = "ping" + i }).Within();
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).Within());
            Assert.Equal("ping" + i, call.ResponseStream.Current.Text);
            Assert.Equal(i, call.ResponseStream.Current.Count);
        }

        await call.RequestStream.CompleteAsync().Within();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).Within());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Deadline_cancels_the_handler_and_fails_with_DEADLINE_EXCEEDED()
    {
        await using var server = await OurGrpcServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { DelayMs = 60_000 }, CallOptions.WithTimeout(TimeSpan.FromMilliseconds(300))).ResponseAsync.Within());

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        await server.HandlerSawCancellation.Task.Within();
    }

    [Fact]
    public async Task Disposing_a_stream_cancels_the_handler()
    {
        await using var server = await OurGrpcServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.Address);

        var call = channel.ServerStreaming(EchoMethods.ServerStream, new EchoRequest { Text = "wait" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).Within());
        await server.HandlerWaiting.Task.Within();
        call.Dispose();

        await server.HandlerSawCancellation.Task.Within();
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
    }
}
