using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Tests.TestSupport;

namespace NotifyBroker.Server.Tests.BadInput;

/// <summary>
/// The rapid-reset pattern (CVE-2023-44487) on one hand-written HTTP/2 connection: 2,000 cycles of a complete
/// Subscribe (HEADERS, then its request in a DATA frame with END_STREAM) reset with RST_STREAM(CANCEL) straight after.
/// Kestrel tracks at most max(2 x MaxStreamsPerConnection, 100) streams per connection that were reset but whose
/// request has not finished yet; past that it refuses new streams with RST_STREAM(ENHANCE_YOUR_CALM) and, after more
/// than 100 such refusals in 5 seconds, aborts the connection. Its frame writer also aborts a connection whose queue
/// of pending output operations grows past that same number. Whatever happens to the connection, every Subscribe
/// that started must end and release what it held, and the broker must keep serving.
/// </summary>
public sealed class RapidResetTests
{
    private const int Cycles = 2000;
    private const int CyclesPerWrite = 100;
    private const string Held = "rapid";

    [Fact]
    public async Task With_the_default_stream_limit_2000_resets_are_absorbed_the_connection_stays_open_and_no_Subscribe_is_left_running()
    {
        // With the broker's 1000 streams per connection Kestrel tracks up to 2000, so 2000 cycles can never trip its
        // protection: the connection takes them all and still answers a PING, and a new stream on it is served.
        var counter = new SubscribeCallCounter();
        await using var host = await BrokerTestHost.StartAsync(counter.AddTo);
        var connection = await RawHttp2Connection.ConnectAsync(host.Address);
        try
        {
            var sent = await FloodAsync(connection);

            Assert.Equal(Cycles, sent);
            Assert.True(await connection.RoundTripAsync(), "the server closed the connection");
            Assert.Null(connection.GoAwayErrorCode);
            Assert.Empty(connection.Resets); // nothing refused
            await BrokerAssert.WaitUntilAsync(() => counter.Running == 0);
            Assert.True(counter.Started > 0, "no reset Subscribe reached the broker's handler: the flood did not exercise it");
            Assert.Equal(0, counter.Running);
            Assert.Equal(0u, await BrokerAssert.WaitForHoldersAsync(host, Held, expected: 0));

            // The same connection serves a fresh Subscribe: it opens, holds the alias, and receives a Send to it.
            const int Fresh = (2 * Cycles) + 1;
            await connection.WriteAsync([.. connection.OpenCall(Fresh, RawGrpc.Subscribe), .. RawHttp2Connection.LastMessage(Fresh, Request)]);
            await BrokerAssert.WaitUntilAsync(() => RawGrpc.CompleteFrames(connection.DataOf(Fresh)).Count >= 1);
            Assert.Equal(Event.KindOneofCase.Open, Event.Parser.ParseFrom(RawGrpc.CompleteFrames(connection.DataOf(Fresh))[0]).KindCase);
            Assert.Equal(1u, await BrokerAssert.HoldersAsync(host, Held));
            Assert.Equal(1u, (await host.Client.SendAsync(new SendRequest { MsgName = Held, Text = "after the flood" })).Recipients);
            await BrokerAssert.WaitUntilAsync(() => RawGrpc.CompleteFrames(connection.DataOf(Fresh)).Count >= 2);
            Assert.Equal("after the flood", Event.Parser.ParseFrom(RawGrpc.CompleteFrames(connection.DataOf(Fresh))[1]).AliasMessage.Text);
        }
        finally
        {
            await connection.DisposeAsync();
        }

        Assert.Equal(0u, await BrokerAssert.WaitForHoldersAsync(host, Held, expected: 0));
        await BrokerAssert.ServesAsync(host);
    }

    [Fact]
    public async Task With_a_stream_limit_of_20_Kestrel_cuts_the_resetting_connection_and_the_broker_serves_new_ones_with_no_Subscribe_left_running()
    {
        // With 20 streams per connection Kestrel tracks only 100, and its frame writer queues at most 100 operations.
        // What we observe: the connection is aborted by the server, either because its output queue overflows (logged
        // at Critical: "exceeded the output operations maximum queue size", the usual case) or after too many
        // ENHANCE_YOUR_CALM refusals. Either way Kestrel closes the socket at once, so the client mostly sees only the
        // TCP reset (a GOAWAY or refusals, if any arrive first, carry ENHANCE_YOUR_CALM). Often no Subscribe even reaches
        // the broker's handler before the cut, so this test does not require one to.
        // Seen in about 1 run in 8: the connection aborted for the output queue never completes inside Kestrel, and the
        // host's shutdown then waits out its whole 30 s timeout ("Some connections failed to close gracefully"); the test
        // still passes, it just takes 31 s (see the report; Kestrel's behaviour, not the broker's).
        var counter = new SubscribeCallCounter();
        await using var host = await BrokerTestHost.StartAsync(counter.AddTo, "Kestrel:Limits:Http2:MaxStreamsPerConnection=20");
        var connection = await RawHttp2Connection.ConnectAsync(host.Address);
        try
        {
            var sent = await FloodAsync(connection);
            var survived = sent == Cycles && await connection.RoundTripAsync();

            Assert.False(survived, "the connection took every cycle and still answers");
            await connection.Closed.ContinueWith(static _ => { }, TaskScheduler.Default).WaitAsync(Streams.Patience);
            Assert.True(connection.GoAwayErrorCode is null or RawHttp2Connection.EnhanceYourCalm, $"GOAWAY {connection.GoAwayErrorCode}");
            Assert.All(connection.Resets.Values, code => Assert.Equal(RawHttp2Connection.EnhanceYourCalm, code));
            await BrokerAssert.WaitUntilAsync(() => counter.Running == 0);
            Assert.Equal(0, counter.Running);
            Assert.Equal(0u, await BrokerAssert.WaitForHoldersAsync(host, Held, expected: 0));
        }
        finally
        {
            await connection.DisposeAsync();
        }

        // A new raw connection is served: a Subscribe on it opens.
        await using (var fresh = await RawHttp2Connection.ConnectAsync(host.Address))
        {
            await fresh.WriteAsync([.. fresh.OpenCall(1, RawGrpc.Subscribe), .. RawHttp2Connection.LastMessage(1, Request)]);
            await BrokerAssert.WaitUntilAsync(() => RawGrpc.CompleteFrames(fresh.DataOf(1)).Count >= 1);
            Assert.Equal(Event.KindOneofCase.Open, Event.Parser.ParseFrom(Assert.Single(RawGrpc.CompleteFrames(fresh.DataOf(1)))).KindCase);
        }

        await BrokerAssert.ServesAsync(host);
    }

    /// <summary>A complete Subscribe that would hold <see cref="Held"/> for as long as it runs.</summary>
    private static byte[] Request => RawGrpc.Frame(new SubscribeRequest { HoldAliases = { Held } });

    /// <summary>Writes the cycles in batches; returns how many went out before the server ended the connection.</summary>
    private static async Task<int> FloodAsync(RawHttp2Connection connection)
    {
        var request = Request;
        var sent = 0;
        try
        {
            for (var batch = 0; batch < Cycles / CyclesPerWrite; batch++)
            {
                var frames = new List<byte>();
                for (var i = 0; i < CyclesPerWrite; i++)
                {
                    var id = (2 * ((batch * CyclesPerWrite) + i)) + 1;
                    frames.AddRange(connection.OpenCall(id, RawGrpc.Subscribe));
                    frames.AddRange(RawHttp2Connection.LastMessage(id, request));
                    frames.AddRange(RawHttp2Connection.ResetFrame(id, RawHttp2Connection.Cancel));
                }

                await connection.WriteAsync([.. frames]);
                sent += CyclesPerWrite;
            }
        }
        catch (IOException)
        {
            // The server ended the connection while we were still writing (the caller checks what it saw).
        }

        return sent;
    }
}
