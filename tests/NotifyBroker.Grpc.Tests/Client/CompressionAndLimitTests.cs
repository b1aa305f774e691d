using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Client;

public sealed class CompressionAndLimitTests
{
    [Fact]
    public async Task Gzip_response_messages_are_decoded_per_message_flag()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response, encoding: "gzip");
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Text = new string('z', 10_000) }, gzip: true);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Text = "plain" }, gzip: false);
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.ServerStreaming(EchoMethods.ServerStream, new EchoRequest());
        var texts = new List<string>();
        await foreach (var response in call.ResponseStream.ReadAllAsync())
        {
            texts.Add(response.Text);
        }

        Assert.Equal([new string('z', 10_000), "plain"], texts);
    }

    [Fact]
    public async Task Gzip_request_compression_sets_the_flag_and_grpc_encoding()
    {
        var seen = new TaskCompletionSource<(string Encoding, byte Flag, EchoRequest Request)>();
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            var frame = (await RawGrpc.ReadAllFramesAsync(context.Request)).Single();
            seen.SetResult((context.Request.Headers["grpc-encoding"].ToString(), frame.Flag, frame.Parse(EchoRequest.Parser)));
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse());
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { CompressionEncoding = "gzip" });
        var payload = ByteString.CopyFrom(new byte[271_828]);

        await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Payload = payload }).ResponseAsync.Within();

        var (encoding, flag, request) = await seen.Task.Within();
        Assert.Equal("gzip", encoding);
        Assert.Equal(1, flag);
        Assert.Equal(payload, request.Payload);
    }

    [Fact]
    public async Task NoCompress_sends_flag_zero_even_on_a_gzip_call()
    {
        var flags = new TaskCompletionSource<(string Encoding, byte[] Flags)>();
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            var frames = await RawGrpc.ReadAllFramesAsync(context.Request);
            flags.SetResult((context.Request.Headers["grpc-encoding"].ToString(), frames.Select(f => f.Flag).ToArray()));
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Count = frames.Count });
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.ClientStreaming(EchoMethods.ClientStream, new CallOptions { CompressionEncoding = "gzip" });
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "compressed" }).Within();
        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.NoCompress);
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "not compressed" }).Within();
        await call.RequestStream.CompleteAsync().Within();
        Assert.Equal(2, (await call.ResponseAsync.Within()).Count);

        var (encoding, sentFlags) = await flags.Task.Within();
        Assert.Equal("gzip", encoding);
        Assert.Equal(new byte[] { 1, 0 }, sentFlags);
    }

    [Fact]
    public async Task Compressed_message_without_grpc_encoding_is_INTERNAL()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response); // no grpc-encoding
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Text = "x" }, gzip: true);
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).ResponseAsync.Within());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task Oversized_response_is_RESOURCE_EXHAUSTED_and_the_client_resets_the_stream()
    {
        var serverSawReset = new TaskCompletionSource();
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            context.RequestAborted.Register(() => serverSawReset.TrySetResult());
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Payload = ByteString.CopyFrom(new byte[4096]) });
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 1024 });

        using var call = channel.ServerStreaming(EchoMethods.ServerStream, new EchoRequest());
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).Within());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await serverSawReset.Task.Within();
    }

    [Fact]
    public async Task Gzip_bomb_over_the_limit_is_RESOURCE_EXHAUSTED()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response, encoding: "gzip");
            // A megabyte of zeros compresses to about a kilobyte: small on the wire, over the limit once inflated.
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Payload = ByteString.CopyFrom(new byte[1 << 20]) }, gzip: true);
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 });

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).ResponseAsync.Within());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Receive_limit_defaults_to_4_MiB()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            var size = (await RawGrpc.ReadAllFramesAsync(context.Request)).Single().Parse(EchoRequest.Parser).Repeat;
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Payload = ByteString.CopyFrom(new byte[size]) });
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        var fits = await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Repeat = 4 * 1024 * 1024 - 16 }).ResponseAsync.Within();
        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Repeat = 4 * 1024 * 1024 }).ResponseAsync.Within());

        Assert.Equal(4 * 1024 * 1024 - 16, fits.Payload.Length);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Oversized_request_is_RESOURCE_EXHAUSTED_and_never_sent()
    {
        var calls = 0;
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            Interlocked.Increment(ref calls);
            var frames = await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Count = frames.Count });
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { MaxSendMessageSize = 100 });
        var big = new EchoRequest { Payload = ByteString.CopyFrom(new byte[1000]) };

        var unaryError = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, big).ResponseAsync.Within());
        await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).ResponseAsync.Within();

        Assert.Equal(StatusCode.ResourceExhausted, unaryError.StatusCode);
        Assert.Equal(1, Volatile.Read(ref calls));

        using var stream = channel.ClientStreaming(EchoMethods.ClientStream);
        var writeError = await Assert.ThrowsAsync<RpcException>(() => stream.RequestStream.WriteAsync(big).Within());
        Assert.Equal(StatusCode.ResourceExhausted, writeError.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, (await Assert.ThrowsAsync<RpcException>(() => stream.ResponseAsync.Within())).StatusCode);
    }

    [Fact]
    public async Task Send_limit_applies_after_compression_too()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse());
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { MaxSendMessageSize = 200, CompressionEncoding = "gzip" });

        // Random bytes don't compress: under the limit as serialized (193 bytes), over it once gzip adds its framing.
        var incompressible = new byte[190];
        new Random(42).NextBytes(incompressible);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Payload = ByteString.CopyFrom(incompressible) }).ResponseAsync.Within());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }
}
