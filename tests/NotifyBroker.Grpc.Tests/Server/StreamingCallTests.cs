using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Server;

public sealed class StreamingCallTests : ServerTestBase
{
    [Fact]
    public async Task Client_streaming_reads_every_message_including_empty_ones()
    {
        var result = await RawGrpc.CallAsync(Client, EchoService.ClientStreamMethod.FullName,
            new EchoRequest { Text = "a" }, new EchoRequest(), new EchoRequest { Text = "b" });

        Assert.Equal(StatusCode.OK, result.StatusCode);
        var response = result.Message(EchoResponse.Parser);
        Assert.Equal(3, response.Count);
        Assert.Equal("ab|0,0,0", response.Text);
        Assert.Null(Server.Echo.LastMaxRequestBodySize);
    }

    [Fact]
    public async Task Client_streaming_accepts_an_empty_stream()
    {
        var result = await RawGrpc.CallAsync(Client, RawGrpc.Request(EchoService.ClientStreamMethod.FullName, []));

        Assert.Equal(StatusCode.OK, result.StatusCode);
        Assert.Equal(0, result.Message(EchoResponse.Parser).Count);
    }

    [Fact]
    public async Task Client_streaming_reassembles_messages_sent_in_odd_pieces()
    {
        var bytes = RawGrpc.Frames(new EchoRequest { Text = "first" }, new EchoRequest { Text = "second" });
        var content = new PushContent();
        var call = RawGrpc.CallAsync(Client, RawGrpc.Request(EchoService.ClientStreamMethod.FullName, content));
        foreach (var piece in bytes.Chunk(3))
        {
            await content.WriteAsync(piece);
        }

        content.Complete();
        var result = await call.WaitAsync(ServerAssert.Guard);

        Assert.Equal(StatusCode.OK, result.StatusCode);
        Assert.Equal("firstsecond|0,0", result.Message(EchoResponse.Parser).Text);
    }

    [Fact]
    public async Task Server_streaming_sends_each_message_then_ok()
    {
        var result = await RawGrpc.CallAsync(Client, EchoService.ServerStreamMethod.FullName, new EchoRequest { Text = "s", Repeat = 5 });

        Assert.Equal(StatusCode.OK, result.StatusCode);
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, result.Messages.Select(m => EchoResponse.Parser.ParseFrom(m.Payload).Count));
        Assert.Null(Server.Echo.LastMaxRequestBodySize);
    }

    [Fact]
    public async Task Server_streaming_with_zero_messages_still_ends_with_status_in_trailers()
    {
        var result = await RawGrpc.CallAsync(Client, EchoService.ServerStreamMethod.FullName, new EchoRequest { Repeat = 0 });

        Assert.Equal(StatusCode.OK, result.StatusCode);
        Assert.Empty(result.Body);
    }

    [Fact]
    public async Task An_error_after_messages_goes_in_real_trailers()
    {
        var result = await RawGrpc.CallAsync(Client, EchoService.ServerStreamMethod.FullName,
            new EchoRequest { Repeat = 2, FailWithCode = 10, FailWithMessage = "aborted halfway" });

        Assert.Equal(2, result.Messages.Count);
        Assert.Equal("10", result.Trailers["grpc-status"].Single());
        Assert.Equal("aborted halfway", result.Trailers["grpc-message"].Single());
        Assert.False(result.Headers.ContainsKey("grpc-status"));
    }

    [Fact]
    public async Task Pre_serialized_messages_can_be_batched_and_flushed_once()
    {
        var result = await RawGrpc.CallAsync(Client, EchoService.ServerStreamMethod.FullName, new EchoRequest { Text = "serialized-batch", Repeat = 1000 });

        Assert.Equal(StatusCode.OK, result.StatusCode);
        Assert.Equal(Enumerable.Range(0, 1000), result.Messages.Select(m => EchoResponse.Parser.ParseFrom(m.Payload).Count));
    }

    [Fact]
    public async Task Overlapping_writes_are_rejected()
    {
        var result = await RawGrpc.CallAsync(Client, EchoService.ServerStreamMethod.FullName, new EchoRequest { Text = "overlapping-writes" });

        var outcome = await Server.Echo.OverlappingWriteOutcome.Task.WaitAsync(ServerAssert.Guard);
        Assert.IsType<InvalidOperationException>(outcome);
        Assert.Equal(StatusCode.OK, result.StatusCode);
        Assert.Single(result.Messages);
    }

    [Fact]
    public async Task Duplex_answers_each_message_as_it_arrives()
    {
        var content = new PushContent();
        using var response = await SendDuplexAsync(content, new EchoRequest { Text = "ping-1" });
        var body = await response.Content.ReadAsStreamAsync();

        Assert.Equal("ping-1", (await ReadOneAsync(body)).Text);
        await content.WriteAsync(RawGrpc.Frame(new EchoRequest { Text = "ping-2" }));
        var second = await ReadOneAsync(body);
        Assert.Equal("ping-2", second.Text);
        Assert.Equal(2, second.Count);

        content.Complete();
        Assert.Equal(0, await body.ReadAsync(new byte[1]));
        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.Null(Server.Echo.LastMaxRequestBodySize);
    }

    internal async Task<HttpResponseMessage> SendDuplexAsync(PushContent content, EchoRequest first)
    {
        var send = Client.SendAsync(RawGrpc.Request(EchoService.DuplexMethod.FullName, content), HttpCompletionOption.ResponseHeadersRead);
        await content.WriteAsync(RawGrpc.Frame(first));
        return await send.WaitAsync(ServerAssert.Guard);
    }

    internal static async Task<EchoResponse> ReadOneAsync(Stream body)
    {
        var prefix = new byte[5];
        await body.ReadExactlyAsync(prefix).AsTask().WaitAsync(ServerAssert.Guard);
        var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(prefix.AsSpan(1));
        var payload = new byte[length];
        await body.ReadExactlyAsync(payload).AsTask().WaitAsync(ServerAssert.Guard);
        return EchoResponse.Parser.ParseFrom(payload);
    }
}
