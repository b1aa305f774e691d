using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Tests.TestSupport;

namespace NotifyBroker.Server.Tests.BadInput;

/// <summary>
/// A flood HttpClient cannot produce, because it respects SETTINGS_MAX_CONCURRENT_STREAMS: a hand-written HTTP/2
/// client (<see cref="RawHttp2Connection"/>) opens more Subscribe streams on one connection than the broker allows
/// (Kestrel:Limits:Http2:MaxStreamsPerConnection). Kestrel refuses the excess; the streams it took are served, and
/// none is left behind once the connection goes.
/// </summary>
public sealed class StreamFloodTests
{
    [Fact]
    public async Task Streams_past_MaxStreamsPerConnection_are_refused_with_REFUSED_STREAM_and_the_rest_are_served()
    {
        const int Limit = 20;
        const int Excess = 50;
        await using var host = await BrokerTestHost.StartAsync("Kestrel:Limits:Http2:MaxStreamsPerConnection=" + Limit);
        var connection = await RawHttp2Connection.ConnectAsync(host.Address);
        try
        {
            Assert.Equal((uint)Limit, connection.ServerSetting(RawHttp2Connection.SettingsMaxConcurrentStreams));
            var streamIds = Enumerable.Range(0, Limit + Excess).Select(static i => (2 * i) + 1).ToArray();

            // Every HEADERS at once, none with its request yet: the streams the server takes stay open, waiting for it.
            await connection.WriteAsync([.. streamIds.SelectMany(id => connection.OpenCall(id, RawGrpc.Subscribe))]);
            Assert.True(await connection.RoundTripAsync(), "the server closed the connection");
            var refused = streamIds.Where(id => connection.ResetCode(id) is not null).ToArray();
            var accepted = streamIds.Except(refused).ToArray();
            var request = RawGrpc.Frame(new SubscribeRequest { HoldAliases = { "flood" } });
            await connection.WriteAsync([.. accepted.SelectMany(id => RawHttp2Connection.LastMessage(id, request))]);
            await BrokerAssert.WaitUntilAsync(() => accepted.All(id => RawGrpc.CompleteFrames(connection.DataOf(id)).Count >= 1));

            Assert.Equal(streamIds[..Limit], accepted); // the first Limit streams, in order
            Assert.Equal(Excess, refused.Length);
            Assert.All(refused, id => Assert.Equal(RawHttp2Connection.RefusedStream, connection.ResetCode(id)));
            Assert.All(accepted, id => Assert.Equal(Event.KindOneofCase.Open, Event.Parser.ParseFrom(RawGrpc.CompleteFrames(connection.DataOf(id))[0]).KindCase));
            Assert.Equal((uint)Limit, await BrokerAssert.HoldersAsync(host, "flood"));

            // Every accepted stream is live: a Send to the alias they hold reaches each of them.
            var reply = await host.Client.SendAsync(new SendRequest { MsgName = "flood", Text = "to every holder" });
            Assert.Equal((uint)Limit, reply.Recipients);
            await BrokerAssert.WaitUntilAsync(() => accepted.All(id => RawGrpc.CompleteFrames(connection.DataOf(id)).Count >= 2));
            Assert.All(accepted, id => Assert.Equal("to every holder", Event.Parser.ParseFrom(RawGrpc.CompleteFrames(connection.DataOf(id))[1]).AliasMessage.Text));
            Assert.All(accepted, id => Assert.False(connection.HasEnded(id)));
        }
        finally
        {
            await connection.DisposeAsync();
        }

        // The flooding connection gone, its streams end and release the alias.
        Assert.Equal(0u, await BrokerAssert.WaitForHoldersAsync(host, "flood", expected: 0));
        await BrokerAssert.ServesAsync(host);
    }
}
