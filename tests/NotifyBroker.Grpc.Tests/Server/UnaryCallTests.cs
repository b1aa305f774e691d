using Google.Protobuf;
using NotifyBroker.Grpc.Protocol;
using NotifyBroker.Grpc.Tests.Protocol;
using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Server;

public sealed class UnaryCallTests : ServerTestBase
{
    [Fact]
    public async Task Answers_with_headers_one_message_and_status_ok_in_the_trailers()
    {
        var payload = ByteString.CopyFrom(Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray());

        var result = await RawGrpc.CallAsync(Client, EchoService.UnaryMethod.FullName, new EchoRequest { Text = "hi", Payload = payload });

        Assert.Equal(200, result.HttpStatus);
        Assert.Equal("application/grpc", result.Headers["content-type"][0]);
        Assert.Equal("0", Assert.Single(result.Trailers["grpc-status"]));
        Assert.False(result.Headers.ContainsKey("grpc-status"));
        var response = result.Message(EchoResponse.Parser);
        Assert.Equal("hi", response.Text);
        Assert.Equal(payload, response.Payload);
    }

    [Fact]
    public async Task A_zero_length_request_message_is_legal()
    {
        var result = await RawGrpc.CallAsync(Client, RawGrpc.Request(EchoService.UnaryMethod.FullName, new byte[5]));

        Assert.Equal(StatusCode.OK, result.StatusCode);
        Assert.Equal(string.Empty, result.Message(EchoResponse.Parser).Text);
    }

    [Fact]
    public async Task A_unary_request_without_a_message_is_a_cardinality_violation()
    {
        var result = await RawGrpc.CallAsync(Client, RawGrpc.Request(EchoService.UnaryMethod.FullName, []));

        Assert.Equal(StatusCode.Unimplemented, result.StatusCode);
        Assert.True(result.IsTrailersOnly);
    }

    [Fact]
    public async Task A_second_unary_request_message_is_internal()
    {
        var result = await RawGrpc.CallAsync(Client, EchoService.UnaryMethod.FullName, new EchoRequest { Text = "1" }, new EchoRequest { Text = "2" });

        Assert.Equal(StatusCode.Internal, result.StatusCode);
        Assert.Empty(result.Body);
    }

    [Fact]
    public async Task An_rpc_exception_becomes_a_trailers_only_status_with_its_trailers()
    {
        var result = await RawGrpc.CallAsync(Client, EchoService.UnaryMethod.FullName, new EchoRequest { FailWithCode = 5, FailWithMessage = "no such alias" });

        Assert.Equal(200, result.HttpStatus);
        Assert.True(result.IsTrailersOnly);
        Assert.Equal(StatusCode.NotFound, result.StatusCode);
        Assert.Equal("no such alias", result.RawMessage);
        Assert.Equal("from-exception", result.Single("x-error-detail"));
    }

    [Fact]
    public async Task A_status_set_on_the_context_ends_the_call_without_a_message()
    {
        var result = await RawGrpc.CallAsync(Client, EchoService.UnaryMethod.FullName,
            new EchoRequest { Text = "status-without-exception", FailWithCode = 9, FailWithMessage = "not now" });

        Assert.Equal(StatusCode.FailedPrecondition, result.StatusCode);
        Assert.Equal("not now", result.RawMessage);
        Assert.Empty(result.Body);
    }

    [Fact]
    public async Task The_special_status_message_round_trips_percent_encoded()
    {
        var result = await RawGrpc.CallAsync(Client, EchoService.UnaryMethod.FullName,
            new EchoRequest { FailWithCode = 2, FailWithMessage = PercentEncodingTests.SpecialStatusMessage });

        Assert.Equal(StatusCode.Unknown, result.StatusCode);
        Assert.All(result.RawMessage!, c => Assert.InRange(c, (char)0x20, (char)0x7E));
        Assert.Equal(PercentEncodingTests.SpecialStatusMessage, PercentEncoding.Decode(result.RawMessage!));
    }

    [Fact]
    public async Task An_unexpected_exception_is_unknown_and_leaks_nothing()
    {
        var result = await RawGrpc.CallAsync(Client, EchoService.UnaryMethod.FullName, new EchoRequest { Text = "throw" });

        Assert.Equal(StatusCode.Unknown, result.StatusCode);
        Assert.Equal("Exception was thrown by handler.", result.RawMessage);
        await ServerAssert.HealthyAsync(Server);
    }

    [Fact]
    public async Task Detailed_errors_show_the_exception_when_enabled()
    {
        await using var server = await TestGrpcServer.StartAsync(o => o.EnableDetailedErrors = true);
        using var client = server.CreateHttp2Client();

        var result = await RawGrpc.CallAsync(client, EchoService.UnaryMethod.FullName, new EchoRequest { Text = "throw" });

        Assert.Equal(StatusCode.Unknown, result.StatusCode);
        Assert.Contains("InvalidOperationException", result.RawMessage, StringComparison.Ordinal);
        Assert.Contains("secret internals", PercentEncoding.Decode(result.RawMessage!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_handler_returning_no_message_with_ok_is_not_reported_as_ok()
    {
        var result = await RawGrpc.CallAsync(Client, EchoService.UnaryMethod.FullName, new EchoRequest { Text = "no-response" });

        Assert.Equal(StatusCode.Internal, result.StatusCode);
        Assert.Empty(result.Body);
    }

    [Fact]
    public async Task Metadata_travels_in_headers_and_trailers_with_binary_values_padded_unpadded_and_joined()
    {
        var request = RawGrpc.Request(EchoService.UnaryMethod.FullName, RawGrpc.Frame(new EchoRequest { Text = "md" }));
        request.Headers.TryAddWithoutValidation("x-initial-text", "test_initial_metadata_value");
        request.Headers.TryAddWithoutValidation("x-trailing-bin", "q6ur");
        request.Headers.TryAddWithoutValidation("x-trailing-padded-bin", "AQ==");
        request.Headers.TryAddWithoutValidation("x-trailing-joined-bin", "AQ,AgM=");
        request.Headers.UserAgent.ParseAdd("raw-test/1.0");

        var result = await RawGrpc.CallAsync(Client, request);

        Assert.Equal(StatusCode.OK, result.StatusCode);
        Assert.Equal("test_initial_metadata_value", result.Headers["x-initial-text"].Single());
        Assert.False(result.Trailers.ContainsKey("x-initial-text"));
        Assert.Equal("q6ur", result.Trailers["x-trailing-bin"].Single());
        Assert.Equal("AQ", result.Trailers["x-trailing-padded-bin"].Single());
        Assert.Equal(new[] { "AQ", "AgM" }, SplitValues(result.Trailers["x-trailing-joined-bin"]));

        var seen = Server.Echo.LastContext!.RequestHeaders;
        Assert.Equal(new byte[] { 0xAB, 0xAB, 0xAB }, seen.GetValueBytes("x-trailing-bin"));
        Assert.Equal(new byte[] { 1 }, seen.GetValueBytes("x-trailing-padded-bin"));
        Assert.Equal(new[] { new byte[] { 1 }, new byte[] { 2, 3 } }, seen.GetAll("x-trailing-joined-bin").Select(e => e.ValueBytes));
        Assert.StartsWith("raw-test/1.0", seen.GetValue("user-agent"), StringComparison.Ordinal);
        Assert.Null(seen.Get("te"));
        Assert.Null(seen.Get("content-type"));
        Assert.Null(seen.Get(":path"));
    }

    [Fact]
    public async Task The_context_describes_the_call()
    {
        var result = await RawGrpc.CallAsync(Client, EchoService.UnaryMethod.FullName, new EchoRequest());

        Assert.Equal(StatusCode.OK, result.StatusCode);
        Assert.Equal("/nb.grpc.tests.Echo/Unary", Server.Echo.LastContext!.Method);
        var (peer, host, deadline) = Server.Echo.LastCallFacts!.Value;
        Assert.StartsWith("ipv4:127.0.0.1:", peer, StringComparison.Ordinal);
        Assert.Equal(Server.Http2Address.Authority, host);
        Assert.Equal(DateTime.MaxValue, deadline);

        // Unary requests keep Kestrel's body limit; only streaming calls lift it.
        Assert.NotNull(Server.Echo.LastMaxRequestBodySize);
    }

    private static string[] SplitValues(string[] values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)).ToArray();
}
