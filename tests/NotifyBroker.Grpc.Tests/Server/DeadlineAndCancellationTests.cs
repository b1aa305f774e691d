using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Server;

public sealed class DeadlineAndCancellationTests : ServerTestBase
{
    [Fact]
    public async Task An_expired_grpc_timeout_ends_the_call_with_deadline_exceeded_and_cancels_the_handler()
    {
        var request = RawGrpc.Request(EchoService.UnaryMethod.FullName, RawGrpc.Frame(new EchoRequest { DelayMs = 60_000 }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "100m");

        var result = await RawGrpc.CallAsync(Client, request).WaitAsync(ServerAssert.Guard);

        Assert.Equal(StatusCode.DeadlineExceeded, result.StatusCode);
        Assert.True(await Server.Echo.HandlerSawCancellation.Task.WaitAsync(ServerAssert.Guard));
        await ServerAssert.HealthyAsync(Server);
    }

    [Fact]
    public async Task A_deadline_in_a_streaming_call_after_messages_arrives_in_trailers()
    {
        var request = RawGrpc.Request(EchoService.ServerStreamMethod.FullName, RawGrpc.Frame(new EchoRequest { Text = "wait" }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "200m");

        var result = await RawGrpc.CallAsync(Client, request).WaitAsync(ServerAssert.Guard);

        Assert.Equal("first", EchoResponse.Parser.ParseFrom(Assert.Single(result.Messages).Payload).Text);
        Assert.Equal("4", result.Trailers["grpc-status"].Single());
        Assert.True(await Server.Echo.HandlerSawCancellation.Task.WaitAsync(ServerAssert.Guard));
        await ServerAssert.HealthyAsync(Server);
    }

    [Theory]
    [InlineData("50m")]
    [InlineData("150m")]
    [InlineData("300m")]
    public async Task A_deadline_that_strikes_while_the_handler_writes_ends_a_well_formed_stream(string timeout)
    {
        var request = RawGrpc.Request(EchoService.ServerStreamMethod.FullName, RawGrpc.Frame(new EchoRequest { Text = "write-until-canceled" }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", timeout);
        HttpResponseMessage? response = null;
        var body = new MemoryStream();
        var reset = false;
        try
        {
            response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(ServerAssert.Guard);
            await (await response.Content.ReadAsStreamAsync()).CopyToAsync(body).WaitAsync(ServerAssert.Guard);
        }
        catch (Exception ex) when ((ex as HttpProtocolException ?? ex.InnerException as HttpProtocolException) is { ErrorCode: 0x8 })
        {
            // The deadline sends its status, then RST_STREAM(CANCEL); when the handler's messages were stuck behind
            // flow control, it resets at once (trailers could not overtake them). Either way: no torn message.
            reset = true;
        }

        // Whatever arrived is whole messages, none torn by the deadline's own writes (a cut is allowed only at the
        // very end, and only if the stream was reset).
        var bytes = body.ToArray();
        var offset = 0;
        while (bytes.Length - offset >= 5)
        {
            Assert.Equal(0, bytes[offset]);
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset + 1));
            if (bytes.Length - offset - 5 < length)
            {
                break;
            }

            Assert.Contains(EchoResponse.Parser.ParseFrom(bytes.AsSpan(offset + 5, length)).Text, new[] { "message", "serialized" });
            offset += 5 + length;
        }

        if (!reset)
        {
            Assert.Equal(bytes.Length, offset);
            Assert.Equal("4", response!.TrailingHeaders.GetValues("grpc-status").Single());
        }

        response?.Dispose();

        Assert.IsAssignableFrom<OperationCanceledException>(await Server.Echo.StreamingWriteOutcome.Task.WaitAsync(ServerAssert.Guard));
        await ServerAssert.HealthyAsync(Server);
    }

    [Fact]
    public async Task A_deadline_while_writes_wait_for_a_client_that_stopped_reading_resets_the_stream_with_cancel()
    {
        var request = RawGrpc.Request(EchoService.ServerStreamMethod.FullName, RawGrpc.Frame(new EchoRequest { Text = "write-until-canceled" }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "500m");
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(ServerAssert.Guard);

        // The client reads nothing: the handler's flushes wait on flow control when the deadline strikes. The
        // status can't overtake the queued messages, so the stream ends with RST_STREAM(CANCEL), as
        // PROTOCOL-HTTP2.md has the server do on a deadline, and not with a reset Kestrel makes on its own.
        Assert.IsAssignableFrom<OperationCanceledException>(await Server.Echo.StreamingWriteOutcome.Task.WaitAsync(ServerAssert.Guard));
        var body = await response.Content.ReadAsStreamAsync();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => body.CopyToAsync(Stream.Null).WaitAsync(ServerAssert.Guard));

        var reset = error as HttpProtocolException ?? error.InnerException as HttpProtocolException;
        Assert.NotNull(reset);
        Assert.Equal(0x8, reset.ErrorCode);
        await ServerAssert.HealthyAsync(Server);
    }

    [Fact]
    public async Task A_call_that_finishes_before_its_deadline_is_ok_and_knows_its_deadline()
    {
        var request = RawGrpc.Request(EchoService.UnaryMethod.FullName, RawGrpc.Frame(new EchoRequest { Text = "quick" }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "1H");
        var before = DateTime.UtcNow;

        var result = await RawGrpc.CallAsync(Client, request);

        Assert.Equal(StatusCode.OK, result.StatusCode);
        var deadline = Server.Echo.LastCallFacts!.Value.Deadline;
        Assert.InRange(deadline, before.AddMinutes(59), DateTime.UtcNow.AddMinutes(61));
        Assert.Null(Server.Echo.LastContext!.RequestHeaders.Get("grpc-timeout"));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("123456789S")]
    [InlineData("-5S")]
    public async Task An_invalid_grpc_timeout_is_ignored(string value)
    {
        var request = RawGrpc.Request(EchoService.UnaryMethod.FullName, RawGrpc.Frame(new EchoRequest { Text = "x" }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", value);

        var result = await RawGrpc.CallAsync(Client, request);

        Assert.Equal(StatusCode.OK, result.StatusCode);
        Assert.Equal(DateTime.MaxValue, Server.Echo.LastCallFacts!.Value.Deadline);
    }

    [Fact]
    public async Task A_client_that_resets_mid_stream_cancels_the_handler_and_the_server_carries_on()
    {
        var content = new PushContent();
        using var cancel = new CancellationTokenSource();
        var send = Client.SendAsync(RawGrpc.Request(EchoService.DuplexMethod.FullName, content), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        await content.WriteAsync(RawGrpc.Frame(new EchoRequest { Text = "wait" }));
        using var response = await send.WaitAsync(ServerAssert.Guard);
        var body = await response.Content.ReadAsStreamAsync();
        Assert.Equal("wait", (await StreamingCallTests.ReadOneAsync(body)).Text);
        await Server.Echo.HandlerWaiting.Task.WaitAsync(ServerAssert.Guard);

        // A request body that fails mid-way makes SocketsHttpHandler send RST_STREAM(CANCEL).
        content.Abort();
        await cancel.CancelAsync();
        response.Dispose();

        Assert.True(await Server.Echo.HandlerSawCancellation.Task.WaitAsync(ServerAssert.Guard));
        await ServerAssert.HealthyAsync(Server);
    }

    [Fact]
    public async Task A_client_that_drops_the_connection_mid_stream_cancels_the_handler()
    {
        var connections = new List<System.Net.Sockets.Socket>();
        using var client = Server.CreateHttp2Client(connections);
        var content = new PushContent();
        var call = RawGrpc.CallAsync(client, RawGrpc.Request(EchoService.ClientStreamMethod.FullName, content));
        await content.WriteAsync(RawGrpc.Frame(new EchoRequest { Text = "wait" }));
        await Server.Echo.HandlerWaiting.Task.WaitAsync(ServerAssert.Guard);

        // Cut the TCP connection (RST, no GOAWAY) while the call is in flight.
        lock (connections)
        {
            foreach (var socket in connections)
            {
                socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
                socket.Close();
            }
        }

        Assert.True(await Server.Echo.HandlerSawCancellation.Task.WaitAsync(ServerAssert.Guard));
        await Assert.ThrowsAnyAsync<Exception>(() => call.WaitAsync(ServerAssert.Guard));
        await ServerAssert.HealthyAsync(Server);
    }
}
