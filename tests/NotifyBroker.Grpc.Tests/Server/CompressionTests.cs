using Google.Protobuf;
using NotifyBroker.Grpc.Tests.Protocol;
using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Server;

public sealed class CompressionTests : ServerTestBase
{
    private static byte[] GzipFrame(IMessage message) => FrameBytes.Frame(1, FrameBytes.Gzip(message.ToByteArray()));

    [Fact]
    public async Task A_gzip_request_is_decompressed_and_flagged()
    {
        var request = RawGrpc.Request(EchoService.UnaryMethod.FullName, GzipFrame(new EchoRequest { Text = new string('g', 1000) }));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");

        var result = await RawGrpc.CallAsync(Client, request);

        Assert.Equal(StatusCode.OK, result.StatusCode);
        var response = result.Message(EchoResponse.Parser);
        Assert.True(response.RequestWasCompressed);
        Assert.Equal(1000, response.Text.Length);
        Assert.Equal("identity,gzip,deflate", result.Single("grpc-accept-encoding"));
    }

    [Fact]
    public async Task Compressed_and_plain_messages_mix_on_one_stream_under_grpc_encoding()
    {
        // C-core announces grpc-encoding: gzip and then decides per message.
        var body = GzipFrame(new EchoRequest { Text = "z" }).Concat(RawGrpc.Frame(new EchoRequest { Text = "p" })).ToArray();
        var request = RawGrpc.Request(EchoService.ClientStreamMethod.FullName, body);
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");

        var result = await RawGrpc.CallAsync(Client, request);

        Assert.Equal(StatusCode.OK, result.StatusCode);
        Assert.Equal("zp|1,0", result.Message(EchoResponse.Parser).Text);
    }

    [Fact]
    public async Task An_unsupported_encoding_is_unimplemented_and_lists_what_is_supported()
    {
        var request = RawGrpc.Request(EchoService.UnaryMethod.FullName, FrameBytes.Frame(1, "whatever"u8));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "snappy");

        var result = await RawGrpc.CallAsync(Client, request);

        Assert.Equal(StatusCode.Unimplemented, result.StatusCode);
        var accepted = result.Single("grpc-accept-encoding").Split(',');
        Assert.Contains("gzip", accepted);
        Assert.DoesNotContain("snappy", accepted);
        await ServerAssert.HealthyAsync(Server);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("identity")]
    public async Task A_compressed_flag_without_an_encoding_is_internal(string? encoding)
    {
        var request = RawGrpc.Request(EchoService.UnaryMethod.FullName, GzipFrame(new EchoRequest()));
        if (encoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", encoding);
        }

        var result = await RawGrpc.CallAsync(Client, request);

        Assert.Equal(StatusCode.Internal, result.StatusCode);
    }

    [Fact]
    public async Task The_handler_can_compress_its_response_when_the_client_accepts_gzip()
    {
        var request = RawGrpc.Request(EchoService.UnaryMethod.FullName, RawGrpc.Frame(new EchoRequest { Text = new string('r', 500), ResponseEncoding = "gzip" }));
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity, deflate, gzip");

        var result = await RawGrpc.CallAsync(Client, request);

        Assert.Equal(StatusCode.OK, result.StatusCode);
        Assert.Equal("gzip", result.Headers["grpc-encoding"].Single());
        var (compressed, payload) = Assert.Single(result.Messages);
        Assert.True(compressed);
        Assert.Equal(new string('r', 500), EchoResponse.Parser.ParseFrom(FrameBytes.Gunzip(payload)).Text);
    }

    [Fact]
    public async Task The_response_stays_uncompressed_when_the_client_does_not_accept_the_encoding()
    {
        var request = RawGrpc.Request(EchoService.UnaryMethod.FullName, RawGrpc.Frame(new EchoRequest { Text = "r", ResponseEncoding = "gzip" }));
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity,deflate");

        var result = await RawGrpc.CallAsync(Client, request);

        Assert.Equal(StatusCode.OK, result.StatusCode);
        Assert.False(result.Headers.ContainsKey("grpc-encoding"));
        Assert.False(Assert.Single(result.Messages).Compressed);
    }

    [Fact]
    public async Task Server_wide_response_compression_with_per_message_opt_out()
    {
        await using var server = await TestGrpcServer.StartAsync(o => o.ResponseCompression = "gzip");
        using var client = server.CreateHttp2Client();
        var request = RawGrpc.Request(EchoService.ServerStreamMethod.FullName, RawGrpc.Frame(new EchoRequest { Text = "alternate-compression", Repeat = 4 }));
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "gzip");

        var result = await RawGrpc.CallAsync(client, request);

        Assert.Equal(StatusCode.OK, result.StatusCode);
        Assert.Equal("gzip", result.Headers["grpc-encoding"].Single());
        Assert.Equal(new[] { true, false, true, false }, result.Messages.Select(m => m.Compressed));
        var counts = result.Messages.Select(m => EchoResponse.Parser.ParseFrom(m.Compressed ? FrameBytes.Gunzip(m.Payload) : m.Payload).Count);
        Assert.Equal(new[] { 0, 1, 2, 3 }, counts);
    }

    [Fact]
    public async Task A_gzip_bomb_is_refused_by_the_receive_limit()
    {
        await using var server = await TestGrpcServer.StartAsync(o => o.MaxReceiveMessageSize = 64 * 1024);
        using var client = server.CreateHttp2Client();
        var bomb = new EchoRequest { Payload = ByteString.CopyFrom(new byte[10 * 1024 * 1024]) };
        var request = RawGrpc.Request(EchoService.UnaryMethod.FullName, GzipFrame(bomb));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");

        var result = await RawGrpc.CallAsync(client, request);

        Assert.Equal(StatusCode.ResourceExhausted, result.StatusCode);
        await ServerAssert.HealthyAsync(server);
    }
}
