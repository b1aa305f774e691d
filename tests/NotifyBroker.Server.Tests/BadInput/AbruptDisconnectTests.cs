using NotifyBroker.Tests.Shared;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Tests.TestSupport;

namespace NotifyBroker.Server.Tests.BadInput;

/// <summary>
/// A subscriber whose connection goes away mid-stream, while events flow to it, without ending its call: the server
/// must notice, end the stream and dispose its subscription (releasing what it held), and every other stream must
/// keep receiving.
/// </summary>
public sealed class AbruptDisconnectTests
{
    [Theory]
    [InlineData("socket reset")]    // the TCP connection closed with RST (linger 0): no GOAWAY, no RST_STREAM, like a crash
    [InlineData("client disposed")] // the subscriber's GrpcChannel and HttpClient disposed with the call still open
    public async Task A_stream_torn_down_mid_flow_releases_its_subscription_and_other_streams_keep_receiving(string teardown)
    {
        await using var host = await BrokerTestHost.StartAsync();
        await host.Client.AddAliasAsync("feed");
        var connections = new List<Socket>();
        var channel = GrpcChannel.ForAddress(host.Address, new GrpcChannelOptions
        {
            HttpHandler = RawGrpc.CapturingHandler(connections),
            DisposeHttpClient = true,
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, NotifyBroker.Client.Credentials.BrokerChannel.Bearer(InProcessBrokerHost.AdminKey)),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        var doomed = Streams.Subscribe(new Contracts.V1.Notifier.NotifierClient(channel), new SubscribeRequest { Aliases = { "feed" }, HoldAliases = { "doomed" } });
        try
        {
            await doomed.OpenAsync();
            using var survivor = Streams.Subscribe(host.Grpc, new SubscribeRequest { Aliases = { "feed" } });
            await survivor.OpenAsync();
            Assert.Equal(1u, await BrokerAssert.HoldersAsync(host, "doomed"));

            // Events flow to both streams from here until after the teardown.
            using var stopSending = new CancellationTokenSource();
            var sender = Task.Run(async () =>
            {
                var sent = 0;
                while (!stopSending.IsCancellationRequested)
                {
                    await host.Client.SendAsync("feed", "tick");
                    sent++;
                }

                return sent;
            });
            var survivorReader = Task.Run(() => ReadUntilAsync(survivor, "last"));
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal("tick", (await doomed.NextMessageAsync()).AliasMessage.Text);
            }

            if (teardown == "socket reset")
            {
                RawGrpc.Cut(connections);
            }
            else
            {
                channel.Dispose();
            }

            var holders = await BrokerAssert.WaitForHoldersAsync(host, "doomed", expected: 0);
            await stopSending.CancelAsync();
            var ticks = await sender.WaitAsync(Streams.Patience);
            var last = await host.Client.SendAsync("feed", "last");
            var seen = await survivorReader.WaitAsync(Streams.Patience);

            Assert.Equal(0u, holders);
            Assert.DoesNotContain(await host.Client.ListAliasesAsync(), a => a.Name == "doomed"); // held only, so gone once released
            Assert.Equal(ticks + 1, seen.Count); // every tick and "last", none lost or repeated, in order
            Assert.Equal(last.Position, seen[^1].Position);
            Assert.Equal(Enumerable.Range(0, seen.Count).Select(i => seen[0].Position.Offset + (ulong)i), seen.Select(e => e.Position.Offset));
            await BrokerAssert.ServesAsync(host);
        }
        finally
        {
            doomed.Dispose();
            channel.Dispose();
        }
    }

    private static async Task<List<Event>> ReadUntilAsync(AsyncServerStreamingCall<Event> stream, string text)
    {
        var seen = new List<Event>();
        while (true)
        {
            var next = await stream.NextMessageAsync();
            seen.Add(next);
            if (next.AliasMessage.Text == text)
            {
                return seen;
            }
        }
    }
}
