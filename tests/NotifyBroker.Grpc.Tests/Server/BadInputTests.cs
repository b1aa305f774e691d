using Google.Protobuf;
using NotifyBroker.Grpc.Tests.Protocol;
using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Server;

/// <summary>Bad input gets a clear status or a reset, and never takes the server down.</summary>
public sealed class BadInputTests : ServerTestBase
{
    [Theory]
    [InlineData(2)]
    [InlineData(0xFF)]
    public async Task A_compressed_flag_other_than_0_or_1_is_internal(byte flag)
    {
        var result = await RawGrpc.CallAsync(Client, RawGrpc.Request(EchoService.UnaryMethod.FullName, FrameBytes.Frame(flag, new EchoRequest { Text = "x" }.ToByteArray())));

        Assert.Equal(StatusCode.Internal, result.StatusCode);
        await ServerAssert.HealthyAsync(Server);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    public async Task A_message_cut_short_by_the_end_of_stream_is_internal(int bytesSent)
    {
        var frame = RawGrpc.Frame(new EchoRequest { Text = "0123456789" });

        var unary = await RawGrpc.CallAsync(Client, RawGrpc.Request(EchoService.UnaryMethod.FullName, frame[..bytesSent]));
        var streaming = await RawGrpc.CallAsync(Client, RawGrpc.Request(EchoService.ClientStreamMethod.FullName, frame.Concat(frame[..bytesSent]).ToArray()));

        Assert.Equal(StatusCode.Internal, unary.StatusCode);
        Assert.Equal(StatusCode.Internal, streaming.StatusCode);
        await ServerAssert.HealthyAsync(Server);
    }

    [Fact]
    public async Task Invalid_protobuf_is_internal()
    {
        // Field 1, wire type 2 (length-delimited), announcing 100 bytes that are not there.
        var result = await RawGrpc.CallAsync(Client, RawGrpc.Request(EchoService.UnaryMethod.FullName, FrameBytes.Frame(0, [0x0A, 100, 1, 2])));

        Assert.Equal(StatusCode.Internal, result.StatusCode);
        await ServerAssert.HealthyAsync(Server);
    }

    [Fact]
    public async Task An_oversized_message_is_refused_from_its_prefix_before_the_body_is_sent()
    {
        var content = new PushContent();
        var call = RawGrpc.CallAsync(Client, RawGrpc.Request(EchoService.UnaryMethod.FullName, content));

        // Only the 5-byte prefix announcing 100 MB; the body never comes, so the status cannot wait for it.
        await content.WriteAsync(FrameBytes.Frame(0, 100 * 1024 * 1024, []));
        var result = await call.WaitAsync(ServerAssert.Guard);

        Assert.Equal(StatusCode.ResourceExhausted, result.StatusCode);
        content.Complete();
        await ServerAssert.HealthyAsync(Server);
    }

    [Fact]
    public async Task The_receive_limit_is_configurable()
    {
        await using var server = await TestGrpcServer.StartAsync(o => o.MaxReceiveMessageSize = 1024);
        using var client = server.CreateHttp2Client();

        var small = await RawGrpc.CallAsync(client, EchoService.UnaryMethod.FullName, new EchoRequest { Payload = ByteString.CopyFrom(new byte[900]) });
        var large = await RawGrpc.CallAsync(client, EchoService.UnaryMethod.FullName, new EchoRequest { Payload = ByteString.CopyFrom(new byte[2000]) });

        Assert.Equal(StatusCode.OK, small.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, large.StatusCode);
        await ServerAssert.HealthyAsync(server);
    }

    [Fact]
    public async Task A_receive_limit_above_Kestrels_request_body_limit_applies_to_unary_calls_too()
    {
        // Kestrel's own MaxRequestBodySize defaults to 30,000,000 bytes; our limit is the one that must decide.
        const int limit = 40 * 1024 * 1024;
        await using var server = await TestGrpcServer.StartAsync(o => o.MaxReceiveMessageSize = limit);
        using var client = server.CreateHttp2Client();
        var within = new EchoRequest { Payload = ByteString.CopyFrom(new byte[35 * 1024 * 1024]) };
        var beyond = new EchoRequest { Payload = ByteString.CopyFrom(new byte[limit + 1]) };

        var large = await RawGrpc.CallAsync(client, EchoService.UnaryMethod.FullName, within).WaitAsync(ServerAssert.Guard);
        var tooLarge = await RawGrpc.CallAsync(client, EchoService.UnaryMethod.FullName, beyond).WaitAsync(ServerAssert.Guard);

        Assert.Equal(StatusCode.OK, large.StatusCode);
        Assert.Equal(within.Payload.Length, large.Message(EchoResponse.Parser).Payload.Length);
        Assert.Equal(StatusCode.ResourceExhausted, tooLarge.StatusCode);
        await ServerAssert.HealthyAsync(server);
    }

    [Fact]
    public async Task A_flood_of_concurrent_calls_on_one_connection_all_complete()
    {
        using var client = Server.CreateHttp2Client();

        var calls = Enumerable.Range(0, 1000).Select(i => RawGrpc.CallAsync(client, EchoService.UnaryMethod.FullName, new EchoRequest { Text = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(results, r => Assert.Equal(StatusCode.OK, r.StatusCode));
        Assert.Equal(
            Enumerable.Range(0, 1000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            results.Select(r => r.Message(EchoResponse.Parser).Text));
        Assert.Equal(0, Server.Echo.ActiveCalls);
        await ServerAssert.HealthyAsync(Server);
    }
}
