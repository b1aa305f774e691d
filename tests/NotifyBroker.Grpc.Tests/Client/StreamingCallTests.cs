using Microsoft.AspNetCore.Http;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Client;

public sealed class StreamingCallTests
{
    [Fact]
    public async Task Server_streaming_delivers_every_message_in_order_then_OK()
    {
        const int count = 2000;
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            var request = (await RawGrpc.ReadAllFramesAsync(context.Request)).Single().Parse(EchoRequest.Parser);
            RawGrpc.StartResponse(context.Response);
            for (var i = 0; i < request.Repeat; i++)
            {
                await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Text = request.Text, Count = i });
            }

            context.Response.AppendTrailer("x-sent", request.Repeat.ToString(System.Globalization.CultureInfo.InvariantCulture));
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.ServerStreaming(EchoMethods.ServerStream, new EchoRequest { Text = "tick", Repeat = count });
        var received = new List<EchoResponse>();
        await foreach (var response in call.ResponseStream.ReadAllAsync().WithCancellation(CancellationToken.None))
        {
            received.Add(response);
        }

        Assert.Equal(Enumerable.Range(0, count), received.Select(r => r.Count));
        Assert.All(received, r => Assert.Equal("tick", r.Text));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal("2000", call.GetTrailers().GetValue("x-sent"));
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None)); // stays at the end
    }

    [Fact]
    public async Task Server_streaming_error_after_messages_surfaces_after_them()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Count = 1 });
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Count = 2 });
            context.Response.AppendTrailer("x-why", "policy");
            RawGrpc.SetTrailerStatus(context.Response, 7, "not allowed");
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.ServerStreaming(EchoMethods.ServerStream, new EchoRequest());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).Within());
        Assert.Equal(1, call.ResponseStream.Current.Count);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).Within());
        Assert.Equal(2, call.ResponseStream.Current.Count);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).Within());

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("not allowed", error.Status.Detail);
        Assert.Equal("policy", error.Trailers.GetValue("x-why"));
        Assert.Equal(StatusCode.PermissionDenied, call.GetStatus().StatusCode);
        await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).Within());
    }

    [Fact]
    public async Task Server_streaming_trailers_only_OK_is_an_empty_stream()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.SetTrailersOnlyStatus(context.Response, 0);
            context.Response.Headers["x-empty"] = "yes";
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.ServerStreaming(EchoMethods.ServerStream, new EchoRequest());

        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).Within());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal("yes", call.GetTrailers().GetValue("x-empty"));
    }

    [Fact]
    public async Task Client_streaming_sends_every_message_then_half_closes()
    {
        const int count = 500;
        var serverSaw = new TaskCompletionSource<List<string>>();
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            // Returns only at END_STREAM: the test hangs (and fails on its bound) if the client never half-closes.
            var frames = await RawGrpc.ReadAllFramesAsync(context.Request);
            var texts = frames.Select(f => f.Parse(EchoRequest.Parser).Text).ToList();
            serverSaw.SetResult(texts);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Count = texts.Count });
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.ClientStreaming(EchoMethods.ClientStream);
        for (var i = 0; i < count; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = "m" + i }).Within();
        }

        await call.RequestStream.CompleteAsync().Within();
        var response = await call.ResponseAsync.Within();

        Assert.Equal(count, response.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => "m" + i), await serverSaw.Task.Within());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Client_streaming_with_buffer_hint_still_delivers_everything_on_complete()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            var frames = await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Count = frames.Count });
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.ClientStreaming(EchoMethods.ClientStream, new CallOptions { WriteOptions = new WriteOptions(WriteFlags.BufferHint) });
        for (var i = 0; i < 10; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = "buffered" }).Within();
        }

        await call.RequestStream.CompleteAsync().Within();

        Assert.Equal(10, (await call.ResponseAsync.Within()).Count);
    }

    [Fact]
    public async Task Client_streaming_call_rejected_by_the_server_fails_writes_with_the_servers_status()
    {
        await using var server = await RawGrpcServer.StartAsync(context =>
        {
            RawGrpc.SetTrailersOnlyStatus(context.Response, 12, "Method is unimplemented.");
            return Task.CompletedTask;
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.ClientStreaming(EchoMethods.ClientStream);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.Within());
        var writeError = await Assert.ThrowsAsync<RpcException>(() => call.RequestStream.WriteAsync(new EchoRequest()).Within());

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Equal(StatusCode.Unimplemented, writeError.StatusCode);
        Assert.Equal("Method is unimplemented.", writeError.Status.Detail);
    }

    [Fact]
    public async Task Duplex_ping_pong_gets_each_reply_before_sending_the_next_request()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.SendHeadersAsync(context.Response);
            while (await RawGrpc.ReadFrameAsync(context.Request) is { } frame)
            {
                var request = frame.Parse(EchoRequest.Parser);
                await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Text = "pong:" + request.Text, Payload = request.Payload });
            }

            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.DuplexStreaming(EchoMethods.Duplex);
        foreach (var size in new[] { 27182, 8, 1828, 45904 })
        {
            var payload = Google.Protobuf.ByteString.CopyFrom(new byte[size]);
            await call.RequestStream.WriteAsync(new EchoRequest { Text = size.ToString(System.Globalization.CultureInfo.InvariantCulture), Payload = payload }).Within();
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).Within());
            Assert.Equal("pong:" + size, call.ResponseStream.Current.Text);
            Assert.Equal(size, call.ResponseStream.Current.Payload.Length);
        }

        await call.RequestStream.CompleteAsync().Within();

        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).Within());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Duplex_headers_reach_the_server_before_any_message_is_written()
    {
        // The server answers with headers before reading anything: if the client held its HEADERS frame back until
        // the first DATA frame, this would never complete. SocketsHttpHandler flushes the HEADERS of a connection's
        // first request anyway, so the duplex call goes over a connection that a unary call has already opened.
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            if (context.Request.Path == EchoMethods.UnaryPath)
            {
                await RawGrpc.ReadAllFramesAsync(context.Request);
                RawGrpc.StartResponse(context.Response);
                await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse());
                RawGrpc.SetTrailerStatus(context.Response, 0);
                return;
            }

            RawGrpc.StartResponse(context.Response);
            context.Response.Headers["x-ready"] = "1";
            await RawGrpc.SendHeadersAsync(context.Response);
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);
        await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).ResponseAsync.Within();

        using var call = channel.DuplexStreaming(EchoMethods.Duplex);
        var headers = await call.ResponseHeadersAsync.Within();
        await call.RequestStream.CompleteAsync().Within();

        Assert.Equal("1", headers.GetValue("x-ready"));
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).Within());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Empty_duplex_stream_ends_OK()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            var frames = await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.SendHeadersAsync(context.Response);
            RawGrpc.SetTrailerStatus(context.Response, frames.Count == 0 ? 0 : 3);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.DuplexStreaming(EchoMethods.Duplex);
        await call.RequestStream.CompleteAsync().Within();

        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).Within());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Writes_after_complete_and_overlapping_reads_are_rejected()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.SendHeadersAsync(context.Response);
            await RawGrpc.ReadAllFramesAsync(context.Request);
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.DuplexStreaming(EchoMethods.Duplex);
        await call.RequestStream.CompleteAsync().Within();
        var pendingRead = call.ResponseStream.MoveNext(CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => call.RequestStream.WriteAsync(new EchoRequest()));
        Assert.Throws<InvalidOperationException>(() => { _ = call.ResponseStream.MoveNext(CancellationToken.None); });
        call.Dispose();
        Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => pendingRead.Within())).StatusCode);
    }
}
