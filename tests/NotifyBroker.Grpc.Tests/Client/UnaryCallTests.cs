using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Http;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Client;

public sealed class UnaryCallTests
{
    [Fact]
    public async Task Unary_call_sends_a_grpc_request_and_returns_the_response()
    {
        var seen = new TaskCompletionSource<(string Protocol, string Method, string Path, Dictionary<string, string> Headers, int FrameCount, byte Flag)>();
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            var frames = await RawGrpc.ReadAllFramesAsync(context.Request);
            seen.SetResult((context.Request.Protocol, context.Request.Method, context.Request.Path.Value!, headers, frames.Count, frames[0].Flag));
            var request = frames[0].Parse(EchoRequest.Parser);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Text = "echo:" + request.Text, Payload = request.Payload });
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "hi", Payload = ByteString.CopyFrom(1, 2, 3) });
        var response = await call.ResponseAsync.Within();

        Assert.Equal("echo:hi", response.Text);
        Assert.Equal(new byte[] { 1, 2, 3 }, response.Payload.ToByteArray());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Empty(call.GetTrailers());

        var request = await seen.Task.Within();
        Assert.Equal("HTTP/2", request.Protocol);
        Assert.Equal("POST", request.Method);
        Assert.Equal(EchoMethods.UnaryPath, request.Path);
        Assert.Equal("application/grpc", request.Headers["content-type"]);
        Assert.Equal("trailers", request.Headers["te"]);
        Assert.Contains("gzip", request.Headers["grpc-accept-encoding"].Split(','));
        Assert.Contains("identity", request.Headers["grpc-accept-encoding"].Split(','));
        Assert.False(string.IsNullOrEmpty(request.Headers["user-agent"]));
        Assert.False(request.Headers.ContainsKey("grpc-timeout"));
        Assert.False(request.Headers.ContainsKey("grpc-encoding"));
        Assert.Equal(1, request.FrameCount);
        Assert.Equal(0, request.Flag);
    }

    [Fact]
    public async Task Unary_call_is_awaitable_directly()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Text = "ok" });
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address.ToString());

        var response = await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest());

        Assert.Equal("ok", response.Text);
    }

    [Fact]
    public async Task Empty_messages_travel_as_zero_length_frames()
    {
        var frameLength = new TaskCompletionSource<int>();
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            var frame = (await RawGrpc.ReadAllFramesAsync(context.Request)).Single();
            frameLength.SetResult(frame.Payload.Length);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse());
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        var response = await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).ResponseAsync.Within();

        Assert.Equal(new EchoResponse(), response);
        Assert.Equal(0, await frameLength.Task.Within());
    }

    [Fact]
    public async Task Trailers_only_error_becomes_an_RpcException_with_status_and_trailers()
    {
        await using var server = await RawGrpcServer.StartAsync(context =>
        {
            RawGrpc.SetTrailersOnlyStatus(context.Response, 5, "no such alias");
            context.Response.Headers["x-reason"] = "missing";
            return Task.CompletedTask;
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.UnaryAsync(EchoMethods.Unary, new EchoRequest());
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.Within());

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("no such alias", error.Status.Detail);
        Assert.Equal("missing", error.Trailers.GetValue("x-reason"));
        Assert.Null(error.Trailers.Get("grpc-status"));
        Assert.Equal(StatusCode.NotFound, call.GetStatus().StatusCode);
        Assert.Equal("missing", call.GetTrailers().GetValue("x-reason"));
        Assert.Equal("missing", (await call.ResponseHeadersAsync.Within()).GetValue("x-reason"));
    }

    [Fact]
    public async Task Status_message_is_percent_decoded_utf8()
    {
        // "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n" from the interop special_status_message case.
        const string expected = "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \U0001F608\t\n";
        const string encoded = "%09%0Atest with whitespace%0D%0Aand Unicode BMP %E2%98%BA and non-BMP %F0%9F%98%88%09%0A";
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.SendHeadersAsync(context.Response);
            RawGrpc.SetTrailerStatus(context.Response, 2, encoded);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).ResponseAsync.Within());

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Equal(expected, error.Status.Detail);
    }

    [Fact]
    public async Task Status_details_bin_is_parsed_into_the_rich_status()
    {
        var rich = new Google.Rpc.Status
        {
            Code = 9,
            Message = "alias is owned by another session",
            Details = { Any.Pack(new Google.Rpc.DebugInfo { Detail = "NERR_NameInUse (2283)" }) },
        };
        await using var server = await RawGrpcServer.StartAsync(context =>
        {
            RawGrpc.SetTrailersOnlyStatus(context.Response, 9, "alias is owned by another session");
            context.Response.Headers["grpc-status-details-bin"] = RawGrpc.Base64Unpadded(rich.ToByteArray());
            return Task.CompletedTask;
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).ResponseAsync.Within());

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal(rich, error.Status.RichStatus);
        Assert.Equal("NERR_NameInUse (2283)", error.Status.RichStatus!.Details[0].Unpack<Google.Rpc.DebugInfo>().Detail);
    }

    [Fact]
    public async Task Metadata_round_trips_ascii_and_binary_in_headers_and_trailers()
    {
        var received = new TaskCompletionSource<(string Text, string Blob)>();
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            received.SetResult((context.Request.Headers["x-text"].ToString(), context.Request.Headers["x-blob-bin"].ToString()));
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            context.Response.Headers["x-initial"] = "first";
            context.Response.Headers["x-initial-bin"] = "AAEC"; // 00 01 02
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse());
            context.Response.AppendTrailer("x-padded-bin", "AQI="); // 01 02, padded
            context.Response.AppendTrailer("x-multi-bin", "AQI,AwQF"); // two values joined with a comma
            context.Response.AppendTrailer("x-trailing", "last");
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);
        var headers = new Metadata().Add("x-text", "hello").Add("x-blob-bin", [0xAB, 0xAB, 0xAB]);

        using var call = channel.UnaryAsync(EchoMethods.Unary, new EchoRequest(), new CallOptions { Headers = headers });
        await call.ResponseAsync.Within();

        var (text, blob) = await received.Task.Within();
        Assert.Equal("hello", text);
        Assert.Equal("q6ur", blob); // unpadded base64 of AB AB AB

        var responseHeaders = await call.ResponseHeadersAsync.Within();
        Assert.Equal("first", responseHeaders.GetValue("x-initial"));
        Assert.Equal(new byte[] { 0, 1, 2 }, responseHeaders.GetValueBytes("x-initial-bin"));

        var trailers = call.GetTrailers();
        Assert.Equal(new byte[] { 1, 2 }, trailers.GetValueBytes("x-padded-bin"));
        Assert.Equal([new byte[] { 1, 2 }, new byte[] { 3, 4, 5 }], trailers.GetAll("x-multi-bin").Select(e => e.ValueBytes).ToArray());
        Assert.Equal("last", trailers.GetValue("x-trailing"));
        Assert.Null(trailers.Get("grpc-status"));
    }

    [Fact]
    public async Task Channel_default_headers_go_with_every_call()
    {
        var apiKeys = new List<string>();
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            lock (apiKeys)
            {
                apiKeys.Add(context.Request.Headers["x-api-key"].ToString());
            }

            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse());
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { DefaultHeaders = new Metadata().Add("x-api-key", "k1") });

        await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).ResponseAsync.Within();
        await channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).ResponseAsync.Within();

        Assert.Equal(["k1", "k1"], apiKeys);
    }

    [Theory]
    [InlineData(200, StatusCode.Unknown)] // a gRPC response without grpc-status is never OK
    [InlineData(400, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(500, StatusCode.Unknown)]
    public async Task Missing_grpc_status_maps_from_the_http_status(int httpStatus, StatusCode expected)
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            await RawGrpc.ReadAllFramesAsync(context.Request);
            context.Response.StatusCode = httpStatus;
            if (httpStatus == 200)
            {
                RawGrpc.StartResponse(context.Response);
                await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Text = "but no status" });
            }
            else
            {
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("proxy says no");
            }
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).ResponseAsync.Within());

        Assert.Equal(expected, error.StatusCode);
    }

    [Fact]
    public async Task Grpc_status_in_the_headers_wins_over_the_http_status()
    {
        await using var server = await RawGrpcServer.StartAsync(context =>
        {
            context.Response.StatusCode = 503;
            RawGrpc.SetTrailersOnlyStatus(context.Response, 16, "who are you");
            return Task.CompletedTask;
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).ResponseAsync.Within());

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("who are you", error.Status.Detail);
    }

    [Fact]
    public async Task Non_grpc_content_type_is_INTERNAL()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html/>");
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).ResponseAsync.Within());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("text/html", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_OK_without_a_message_is_INTERNAL_never_a_fabricated_OK()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.SetTrailersOnlyStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.UnaryAsync(EchoMethods.Unary, new EchoRequest());
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.Within());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal(StatusCode.Internal, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Unary_response_with_two_messages_is_INTERNAL()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Text = "one" });
            await RawGrpc.WriteMessageAsync(context.Response, new EchoResponse { Text = "two" });
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).ResponseAsync.Within());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task Response_that_ends_inside_a_message_is_INTERNAL()
    {
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            await RawGrpc.ReadAllFramesAsync(context.Request);
            RawGrpc.StartResponse(context.Response);
            await context.Response.BodyWriter.WriteAsync(new byte[] { 0, 0, 0, 0, 10, 1, 2 }); // declares 10 bytes, sends 2
            RawGrpc.SetTrailerStatus(context.Response, 0);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest()).ResponseAsync.Within());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task Status_and_trailers_are_unavailable_while_the_call_runs()
    {
        var release = new TaskCompletionSource();
        await using var server = await RawGrpcServer.StartAsync(async context =>
        {
            await RawGrpc.ReadAllFramesAsync(context.Request);
            await release.Task;
            RawGrpc.SetTrailersOnlyStatus(context.Response, 14);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        using var call = channel.UnaryAsync(EchoMethods.Unary, new EchoRequest());

        Assert.Throws<InvalidOperationException>(() => call.GetStatus());
        Assert.Throws<InvalidOperationException>(() => call.GetTrailers());
        release.SetResult();
        await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.Within());
        Assert.Equal(StatusCode.Unavailable, call.GetStatus().StatusCode);
    }

    [Fact]
    public void Methods_of_the_wrong_kind_are_rejected()
    {
        using var channel = GrpcChannel.ForAddress("http://127.0.0.1:1");

        Assert.Throws<ArgumentException>(() => channel.UnaryAsync(EchoMethods.ServerStream, new EchoRequest()));
        Assert.Throws<ArgumentException>(() => channel.DuplexStreaming(EchoMethods.ClientStream));
    }

    [Fact]
    public void Only_http_and_https_addresses_are_accepted()
    {
        Assert.Throws<ArgumentException>(() => GrpcChannel.ForAddress("ftp://127.0.0.1:5000"));
        Assert.Throws<ArgumentException>(() => GrpcChannel.ForAddress("http://127.0.0.1:5000", new GrpcChannelOptions { CompressionEncoding = "snappy" }));
    }
}
