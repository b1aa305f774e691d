using Google.Protobuf;
using Grpc.Core;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Tests.TestSupport;

namespace NotifyBroker.Server.Tests.BadInput;

/// <summary>
/// Broken gRPC framing sent by hand to the real Notifier methods: each call gets a clear status (never a crash, never
/// a hang) and the broker keeps serving. Grpc.AspNetCore reads the request before any of our code runs, so these
/// statuses are its own.
/// </summary>
public sealed class MalformedFrameTests : IAsyncLifetime
{
    /// <summary>What Grpc.AspNetCore says, without detailed errors, for an exception that is not an RpcException.</summary>
    private const string HandlerException = "Exception was thrown by handler.";

    private BrokerTestHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await BrokerTestHost.StartAsync();
        _client = RawGrpc.CreateClient(_host.Address);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Theory]
    [InlineData(RawGrpc.ListAliases, 2)]
    [InlineData(RawGrpc.ListAliases, 0xFF)]
    [InlineData(RawGrpc.Subscribe, 2)]
    [InlineData(RawGrpc.Subscribe, 0xFF)]
    public async Task A_compressed_flag_other_than_0_or_1_is_UNKNOWN_with_no_detail(string path, byte flag)
    {
        var body = FrameBytes.Frame(flag, Request(path).ToByteArray());

        var result = await RawGrpc.CallAsync(_client, path, body);

        // Grpc.AspNetCore's message reader throws InvalidDataException("Unexpected compressed flag value in message
        // header."), which is not an RpcException, so the call handler reports it as any exception from a handler:
        // UNKNOWN with its generic text (the exception's own message only with Grpc:EnableDetailedErrors).
        Assert.True(result.StatusCode == StatusCode.Unknown, result.ToString());
        Assert.Equal(HandlerException, result.Message);
        await BrokerAssert.ServesAsync(_host);
    }

    [Theory]
    [InlineData(RawGrpc.ListAliases, 3)]
    [InlineData(RawGrpc.ListAliases, 7)]
    [InlineData(RawGrpc.Subscribe, 3)]
    [InlineData(RawGrpc.Subscribe, 7)]
    public async Task A_message_cut_short_by_the_end_of_stream_is_INTERNAL_Incomplete_message(string path, int bytesSent)
    {
        var frame = RawGrpc.Frame(Request(path));
        Assert.True(frame.Length > bytesSent);

        var result = await RawGrpc.CallAsync(_client, path, frame[..bytesSent]);

        Assert.True(result.StatusCode == StatusCode.Internal, result.ToString());
        Assert.Equal("Incomplete message.", result.Message);
        await BrokerAssert.ServesAsync(_host);
    }

    [Theory]
    [InlineData(RawGrpc.ListAliases)]
    [InlineData(RawGrpc.Subscribe)]
    public async Task A_call_with_no_request_message_at_all_is_INTERNAL_Incomplete_message(string path)
    {
        var result = await RawGrpc.CallAsync(_client, path, []);

        Assert.True(result.StatusCode == StatusCode.Internal, result.ToString());
        Assert.Equal("Incomplete message.", result.Message);
        await BrokerAssert.ServesAsync(_host);
    }

    [Theory]
    [InlineData(RawGrpc.ListAliases)]
    [InlineData(RawGrpc.Subscribe)]
    public async Task A_second_request_message_on_a_unary_or_server_streaming_call_is_INTERNAL(string path)
    {
        var frame = RawGrpc.Frame(Request(path));

        var result = await RawGrpc.CallAsync(_client, path, [.. frame, .. frame]);

        Assert.True(result.StatusCode == StatusCode.Internal, result.ToString());
        Assert.Equal("Additional data after the message received.", result.Message);
        await BrokerAssert.ServesAsync(_host);
    }

    [Theory]
    [InlineData(RawGrpc.ListAliases, "truncated-field")]
    [InlineData(RawGrpc.ListAliases, "bad-wire-type")]
    [InlineData(RawGrpc.Send, "truncated-field")]
    [InlineData(RawGrpc.Send, "bad-wire-type")]
    [InlineData(RawGrpc.Subscribe, "truncated-field")]
    [InlineData(RawGrpc.Subscribe, "bad-wire-type")]
    public async Task Invalid_protobuf_is_UNKNOWN_with_no_detail(string path, string problem)
    {
        byte[] payload = problem switch
        {
            // Field 1, wire type 2 (length-delimited), announcing 100 bytes of which 2 come.
            "truncated-field" => [0x0A, 100, 1, 2],
            // Field 1 with wire type 7, which does not exist.
            _ => [0x0F, 0x01],
        };

        var result = await RawGrpc.CallAsync(_client, path, FrameBytes.Frame(0, payload));

        // The deserializer's InvalidProtocolBufferException is not an RpcException: UNKNOWN, generic text, nothing
        // of the parser's message (EnableDetailedErrors is off).
        Assert.True(result.StatusCode == StatusCode.Unknown, result.ToString());
        Assert.Equal(HandlerException, result.Message);
        Assert.Equal(200, result.HttpStatus);
        await BrokerAssert.ServesAsync(_host);
    }

    private static IMessage Request(string path) => path switch
    {
        RawGrpc.Subscribe => new SubscribeRequest { Aliases = { "framing" } },
        RawGrpc.Send => new SendRequest { MsgName = "framing", Text = "x" },
        _ => new ListAliasesRequest { ServerName = "framing" }, // not empty: a cut needs bytes to cut
    };
}
