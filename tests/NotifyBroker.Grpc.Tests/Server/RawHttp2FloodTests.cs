using System.Globalization;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using NotifyBroker.Grpc.Server;
using NotifyBroker.Grpc.Tests.Protos;

namespace NotifyBroker.Grpc.Tests.Server;

/// <summary>
/// Floods that HttpClient cannot produce because it respects SETTINGS_MAX_CONCURRENT_STREAMS: a hand-written HTTP/2
/// client opens more streams than the server allows and does the rapid-reset pattern (CVE-2023-44487). Kestrel
/// defends against both; these tests prove that with our gRPC stack on top the server stays healthy and no call is
/// left running.
/// </summary>
public sealed class RawHttp2FloodTests : IAsyncLifetime
{
    private readonly InFlightCalls _inFlight = new();
    private TestGrpcServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestGrpcServer.StartAsync(services: s => s.AddSingleton<IServerCallObserver>(_inFlight));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Streams_beyond_the_servers_limit_are_refused_and_the_rest_are_served()
    {
        await using var connection = await RawHttp2Connection.ConnectAsync(_server.Http2Address);
        var limit = (int)(connection.ServerSetting(RawHttp2Connection.SettingsMaxConcurrentStreams)
            ?? throw new InvalidOperationException("the server announced no SETTINGS_MAX_CONCURRENT_STREAMS"));
        var streamIds = Enumerable.Range(0, limit + 50).Select(static i => (2 * i) + 1).ToArray();

        // Every HEADERS at once, none with a body yet: the first `limit` streams stay open waiting for their request.
        await connection.WriteAsync(streamIds.SelectMany(id => RawHttp2Connection.Frame(
            RawHttp2Connection.Headers, RawHttp2Connection.EndHeaders, id, RequestHeaders())).ToArray());
        Assert.True(await connection.RoundTripAsync(), "the server closed the connection");
        var refused = streamIds.Where(id => connection.ResetCode(id) is not null).ToArray();
        var accepted = streamIds.Except(refused).ToArray();

        await connection.WriteAsync(accepted.SelectMany(id => RawHttp2Connection.Frame(
            RawHttp2Connection.Data, RawHttp2Connection.EndStream, id, RawGrpc.Frame(new EchoRequest { Text = Name(id) }))).ToArray());
        await WaitUntilAsync(() => accepted.All(connection.HasEnded));

        Assert.NotEmpty(refused);
        Assert.True(accepted.Length >= limit, $"{accepted.Length} streams accepted, the limit is {limit}");
        Assert.All(refused, id => Assert.Equal(RawHttp2Connection.RefusedStream, connection.ResetCode(id)));
        Assert.All(accepted, id =>
        {
            Assert.Null(connection.ResetCode(id));
            var message = Assert.Single(RawGrpc.ParseFrames(connection.DataOf(id)));
            Assert.Equal(Name(id), EchoResponse.Parser.ParseFrom(message.Payload).Text);
        });
        await AssertNothingLeftRunningAsync();
        await ServerAssert.HealthyAsync(_server);
    }

    [Fact]
    public async Task Rapid_reset_cycles_leave_the_server_healthy_with_no_call_running()
    {
        const int cycles = 2000;
        const int cyclesPerWrite = 100;
        await using var connection = await RawHttp2Connection.ConnectAsync(_server.Http2Address);

        // A complete request that would keep its handler busy for a minute, reset (CANCEL) straight after it was sent.
        var body = RawGrpc.Frame(new EchoRequest { Text = "reset me", DelayMs = 60_000 });
        var sentCycles = 0;
        var survived = false;
        try
        {
            for (var batch = 0; batch < cycles / cyclesPerWrite; batch++)
            {
                var frames = new List<byte>();
                for (var i = 0; i < cyclesPerWrite; i++)
                {
                    var id = (2 * ((batch * cyclesPerWrite) + i)) + 1;
                    frames.AddRange(RawHttp2Connection.Frame(RawHttp2Connection.Headers, RawHttp2Connection.EndHeaders, id, RequestHeaders()));
                    frames.AddRange(RawHttp2Connection.Frame(RawHttp2Connection.Data, RawHttp2Connection.EndStream, id, body));
                    frames.AddRange(RawHttp2Connection.ResetFrame(id, RawHttp2Connection.Cancel));
                }

                await connection.WriteAsync([.. frames]);
                sentCycles += cyclesPerWrite;
            }

            survived = await connection.RoundTripAsync();
        }
        catch (IOException)
        {
            // The server ended the connection while we were still writing (the reader sees it too; checked below).
        }

        // Kestrel tracks at most twice its stream limit of reset-but-unfinished streams per connection; past that it
        // refuses new streams (RST_STREAM ENHANCE_YOUR_CALM) and, as the refusals pile up, aborts the connection
        // (a TCP reset, which may swallow the refusals before we read them). So the connection either took every
        // cycle and still answers a PING, or the server cut it off - it must not be left hanging.
        if (!survived)
        {
            await connection.Closed.ContinueWith(static _ => { }, TaskScheduler.Default).WaitAsync(ServerAssert.Guard);
        }

        Assert.True(sentCycles > 0);
        Assert.True(_inFlight.Started > 0, "no reset call reached a method: the flood did not exercise our server");
        await AssertNothingLeftRunningAsync();
        await ServerAssert.HealthyAsync(_server);
        await AssertNothingLeftRunningAsync();
    }

    private byte[] RequestHeaders() => RawHttp2Connection.HeaderBlock(
        (":method", "POST"),
        (":scheme", "http"),
        (":path", EchoService.UnaryMethod.FullName),
        (":authority", _server.Http2Address.Authority),
        ("content-type", "application/grpc"),
        ("te", "trailers"));

    private static string Name(int streamId) => "stream " + streamId.ToString(CultureInfo.InvariantCulture);

    private async Task AssertNothingLeftRunningAsync()
    {
        await WaitUntilAsync(() => _inFlight.Count == 0 && _server.Echo.ActiveCalls == 0);
        Assert.Equal(0, _inFlight.Count);
        Assert.Equal(0, _server.Echo.ActiveCalls);
    }

    /// <summary>Polls until the condition holds or the hang guard runs out (then the caller's asserts fail).</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var guard = new CancellationTokenSource(ServerAssert.Guard);
        while (!condition() && !guard.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>Counts calls between the server's start and end hooks: every call routed to a method, ours or not.</summary>
    private sealed class InFlightCalls : IServerCallObserver
    {
        private int _count;
        private int _started;

        public int Count => Volatile.Read(ref _count);

        public int Started => Volatile.Read(ref _started);

        public object? OnCallStarting(ServerCallContext context)
        {
            Interlocked.Increment(ref _started);
            Interlocked.Increment(ref _count);
            return null;
        }

        public void OnCallCompleted(ServerCallContext context, object? state, Status status, Exception? exception) =>
            Interlocked.Decrement(ref _count);
    }
}
