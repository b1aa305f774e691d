using Google.Protobuf;
using Grpc.Core;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Tests.TestSupport;
using static NotifyBroker.Core.Desktop.WindowMessages;
using static NotifyBroker.Server.Tests.Security.SecurityTestSupport;

namespace NotifyBroker.Server.Tests.Security;

/// <summary>
/// The poison event: a Broadcast just under the 4 MiB request limit used to become an Event no default client could
/// receive (and resuming replayed it forever). Now every accepted event is at most Broker:MaxEventBytes (1 MiB).
/// </summary>
public sealed class PoisonEventTests
{
    [Fact]
    public async Task A_broadcast_just_under_the_request_limit_is_refused_before_it_becomes_an_event()
    {
        await using var host = await BrokerTestHost.StartAsync();
        using var stream = Streams.Subscribe(host.Grpc, new SubscribeRequest());
        await stream.OpenAsync();

        var info = await FailsWithAsync(StatusCode.InvalidArgument, async () => await host.Grpc.BroadcastAsync(CopyData(4 * 1024 * 1024 - 4096)));

        Assert.Equal("max_event_bytes", info.Metadata["limit"]);
        Assert.Equal(0, host.Broker.GetHistoryState().Count);
    }

    [Fact]
    public async Task The_largest_accepted_event_reaches_a_client_with_the_default_4_MiB_receive_limit_and_resumes()
    {
        await using var host = await BrokerTestHost.StartAsync();
        using var stream = Streams.Subscribe(host.Grpc, new SubscribeRequest());
        var open = await stream.NextAsync();

        // Just under the limit: the event's own fields take a few hundred bytes on top of the payload.
        await host.Grpc.BroadcastAsync(CopyData(1024 * 1024 - 2048));
        var received = await stream.NextMessageAsync();
        Assert.Equal(1024 * 1024 - 2048, received.WindowMessage.Payload.CopyData.Bytes.Length);

        using var resumed = Streams.Subscribe(host.Grpc, new SubscribeRequest { After = open.Position });
        Assert.True((await resumed.OpenAsync()).Recovered);
        Assert.Equal(received.Position, (await resumed.NextMessageAsync()).Position);
    }

    private static BroadcastRequest CopyData(int bytes) => new()
    {
        MessageId = WM_COPYDATA,
        Payload = new Payload { CopyData = new CopyData { Data = 7, Bytes = ByteString.CopyFrom(new byte[bytes]) } },
    };
}
