using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Listening;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Core.Tests.TestSupport;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Core.Tests.Listening;

/// <summary>
/// A message another program sends the listener that would make an event over Broker:MaxEventBytes (a 4 MiB
/// WM_COPYDATA, say) is not published: it would be a poison event that no default client can receive, replayed to
/// every resuming subscriber. It is dropped and reported to the host's failure hook (logged as an error), and
/// history, positions and subscribers carry on as if it had never come.
/// </summary>
public class OversizedMessageTests
{
    private static BroadcastCommand CopyDataFrom(int bytes) =>
        new(0, 0, WM_COPYDATA, 0, 0, new WindowMessagePayload.CopyData(1, new byte[bytes]), TimeSpan.FromSeconds(1));

    private static async Task<(InMemoryDesktop Desktop, Broker Broker)> StartAsync(List<ListenerPublishFailure> failures, BrokerOptions options)
    {
        var desktop = new InMemoryDesktop(new InMemoryDesktopOptions { HostName = TestBroker.HostName });
        var broker = new Broker(desktop, options, listenerPublishFailed: failures.Add);
        await broker.StartAsync();
        return (desktop, broker);
    }

    [Fact]
    public async Task A_4_MiB_WM_COPYDATA_from_another_program_is_dropped_and_reported_and_the_stream_goes_on()
    {
        var failures = new List<ListenerPublishFailure>();
        var (desktop, broker) = await StartAsync(failures, new BrokerOptions());
        await using (desktop)
        await using (broker)
        {
            using var subscription = broker.Subscribe(new SubscriptionRequest { MessageIds = [WM_COPYDATA] });

            await desktop.BroadcastFromAsync(TestBroker.OtherProcess, CopyDataFrom(4 * 1024 * 1024));
            await desktop.BroadcastFromAsync(TestBroker.OtherProcess, CopyDataFrom(100));

            var failure = Assert.Single(failures);
            Assert.Equal((WM_COPYDATA, WindowMessageOrigin.Desktop), (failure.MessageId, failure.Origin));
            var error = Assert.IsType<BrokerException>(failure.Error);
            Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
            Assert.Equal(EventSize.MaxEventBytesLimit, error.Details["limit"]);
            Assert.Equal("1048576", error.Details["max_bytes"]);

            // The small one that followed is the first event: no gap, no poison event to replay.
            var received = Assert.Single(Read.Available(subscription));
            Assert.Equal(1ul, received.Position.Offset);
            Assert.Equal(100, Assert.IsType<WindowMessagePayload.CopyData>(Read.Window(received).Payload).Bytes.Length);
            Assert.Equal(1, broker.GetHistoryState().Count);
        }
    }

    [Fact]
    public async Task A_message_just_within_the_limit_is_published_whole()
    {
        var failures = new List<ListenerPublishFailure>();
        var options = new BrokerOptions { MaxEventBytes = 64 * 1024, HistoryMaxBytes = 1024 * 1024 };
        var (desktop, broker) = await StartAsync(failures, options);
        await using (desktop)
        await using (broker)
        {
            using var subscription = broker.Subscribe(new SubscriptionRequest { MessageIds = [WM_COPYDATA] });

            await desktop.BroadcastFromAsync(TestBroker.OtherProcess, CopyDataFrom((64 * 1024) - 512));
            await desktop.BroadcastFromAsync(TestBroker.OtherProcess, CopyDataFrom(64 * 1024));

            var published = Assert.Single(Read.Available(subscription));
            Assert.Equal((64 * 1024) - 512, Assert.IsType<WindowMessagePayload.CopyData>(Read.Window(published).Payload).Bytes.Length);
            Assert.True(published.ByteSize <= options.MaxEventBytes);
            Assert.IsType<BrokerException>(Assert.Single(failures).Error);
        }
    }

    [Fact]
    public async Task What_other_programs_send_is_held_within_the_brokers_history_bytes()
    {
        var failures = new List<ListenerPublishFailure>();
        var options = new BrokerOptions { MaxEventBytes = 32 * 1024, HistoryMaxBytes = 256 * 1024 };
        var (desktop, broker) = await StartAsync(failures, options);
        await using (desktop)
        await using (broker)
        {
            for (var i = 0; i < 100; i++)
            {
                await desktop.BroadcastFromAsync(TestBroker.OtherProcess, CopyDataFrom(30 * 1024));
                Assert.InRange(broker.GetHistoryState().Bytes, 1, options.HistoryMaxBytes);
            }

            var state = broker.GetHistoryState();
            Assert.Empty(failures);
            Assert.Equal(100ul, state.Current.Offset);
            Assert.InRange(state.Count, 7, 8); // 8 of 30 KiB and a bit fit 256 KiB; the count bound (10,000) never binds
        }
    }
}
