using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Listening;
using NotifyBroker.Core.Policy;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Core.Tests.TestSupport;
using static NotifyBroker.Core.Desktop.BroadcastFlags;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Core.Tests.Listening;

/// <summary>What the broker's listener window receives becomes one event in history, shared by every subscriber.</summary>
public class ListenerTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task The_brokers_own_broadcast_comes_back_as_an_event()
    {
        await using var test = await TestBroker.StartAsync(time: _time);
        using var subscription = test.Broker.Subscribe(new SubscriptionRequest());

        var result = await test.Broker.BroadcastAsync(new BrokerBroadcastRequest { RegisteredName = "NotifyBroker.Ping", WParam = 5, LParam = 6 });

        var e = Assert.Single(Read.Available(subscription));
        Assert.Equal(
            new WindowMessageBody(result.MessageId, "NotifyBroker.Ping", 5, 6, null, WindowMessageOrigin.BroadcastRpc, TestBroker.HostName,
                _time.GetUtcNow(), _time.GetUtcNow(), result.Flags, null),
            e.Body);
        Assert.Equal(new StreamPosition(1, test.Broker.Epoch), e.Position);
        Assert.Equal(1, result.Delivered);
    }

    [Fact]
    public async Task With_BSF_IGNORECURRENTTASK_the_listener_does_not_receive_its_own_broadcast()
    {
        await using var test = await TestBroker.StartAsync();
        var other = test.Desktop.CreateWindow("other app", TestBroker.OtherProcess);
        using var subscription = test.Broker.Subscribe(new SubscriptionRequest());

        var ignored = await test.Broker.BroadcastAsync(new BrokerBroadcastRequest { MessageId = WM_APP + 1, Flags = BSF_IGNORECURRENTTASK | BSF_POSTMESSAGE });
        await test.Broker.BroadcastAsync(new BrokerBroadcastRequest { MessageId = WM_APP + 2, Flags = BSF_POSTMESSAGE });

        Assert.Equal(1, ignored.Delivered);
        Assert.Equal(2, other.Received.Count);
        var e = Assert.Single(Read.Available(subscription));
        Assert.Equal(WM_APP + 2, Read.Window(e).MessageId);
    }

    [Fact]
    public async Task A_system_message_from_another_program_is_decoded()
    {
        await using var test = await TestBroker.StartAsync();
        using var subscription = test.Broker.Subscribe(new SubscriptionRequest { MessageIds = [WM_SETTINGCHANGE] });

        await test.Desktop.BroadcastFromAsync(TestBroker.OtherProcess,
            new BroadcastCommand(BSF_QUERY, 0, WM_SETTINGCHANGE, 0, 0, new WindowMessagePayload.Text("Environment"), TimeSpan.FromSeconds(1)));

        var body = Read.Window(Assert.Single(Read.Available(subscription)));
        Assert.Equal(WindowMessageOrigin.Desktop, body.Origin);
        Assert.Null(body.SentAt);
        Assert.Equal(0u, body.BroadcastFlags);
        Assert.Equal(new WindowMessagePayload.Text("Environment"), body.Payload);
        Assert.Equal(new MessageDetail.SettingChange("Environment"), body.Detail);
    }

    [Fact]
    public async Task WM_COPYDATA_arrives_with_its_bytes()
    {
        await using var test = await TestBroker.StartAsync();
        using var subscription = test.Broker.Subscribe(new SubscriptionRequest { MessageIds = [WM_COPYDATA] });

        await test.Broker.BroadcastAsync(new BrokerBroadcastRequest { MessageId = WM_COPYDATA, Payload = new WindowMessagePayload.CopyData(42, "hi"u8.ToArray()) });

        var copy = Assert.IsType<WindowMessagePayload.CopyData>(Read.Window(Assert.Single(Read.Available(subscription))).Payload);
        Assert.Equal(42ul, copy.Data);
        Assert.Equal("hi"u8.ToArray(), copy.Bytes.ToArray());
    }

    [Fact]
    public async Task Every_subscriber_shares_the_one_event_history_recorded()
    {
        await using var test = await TestBroker.StartAsync();
        using var first = test.Broker.Subscribe(new SubscriptionRequest());
        using var second = test.Broker.Subscribe(new SubscriptionRequest { MessageIds = [0xC000] });

        await test.Broker.BroadcastAsync(new BrokerBroadcastRequest { MessageId = 0xC000 });

        Assert.Same(Assert.Single(Read.Available(first)), Assert.Single(Read.Available(second)));
        Assert.Equal(1, test.Broker.GetHistoryState().Count);
    }

    [Fact]
    public async Task Stopping_ends_subscriptions_and_the_listener_and_starting_again_resumes_listening()
    {
        await using var test = await TestBroker.StartAsync();
        var subscription = test.Broker.Subscribe(new SubscriptionRequest());
        await test.Broker.BroadcastAsync(new BrokerBroadcastRequest { MessageId = 0xC000 });
        Assert.Single(Read.Available(subscription));

        await test.Broker.StopAsync();

        Assert.False(await subscription.WaitToReadAsync());
        Assert.Equal(new SubscriptionCompletion(SubscriptionEndReason.BrokerStopped, new StreamPosition(1, test.Broker.Epoch)), subscription.Completion);
        Assert.Null(test.Desktop.ListenerWindow);
        Assert.Equal(0, (await test.Broker.BroadcastAsync(new BrokerBroadcastRequest { MessageId = 0xC000 })).Delivered);
        subscription.Dispose();

        await test.Broker.StartAsync();
        using var resumed = test.Broker.Subscribe(new SubscriptionRequest { After = new StreamPosition(1, test.Broker.Epoch) });
        await test.Broker.BroadcastAsync(new BrokerBroadcastRequest { MessageId = 0xC000 });
        Assert.True(resumed.Open.Recovered);
        Assert.Equal(2ul, Assert.Single(Read.Available(resumed)).Position.Offset);
    }

    [Fact]
    public async Task A_publish_that_fails_never_throws_into_the_window_procedure_and_is_reported_to_the_host()
    {
        var failures = new List<ListenerPublishFailure>();
        var desktop = new NotifyBroker.Core.Desktop.InMemory.InMemoryDesktop();
        var engine = new NotifyBroker.Core.Engine.InMemory.InMemoryEngine(10, TimeSpan.FromHours(1));
        await using var broker = new Broker(desktop, new BrokerOptions(), engine: engine, listenerPublishFailed: failures.Add);
        await broker.StartAsync();
        engine.Dispose();

        var result = await broker.BroadcastAsync(new BrokerBroadcastRequest { MessageId = 0xC000 });

        // The caller is told the listener got it, so the loss must reach the host, naming the message and the cause.
        Assert.Equal((1, 1), (result.Result, result.Delivered));
        var failure = Assert.Single(failures);
        Assert.Equal((0xC000u, WindowMessageOrigin.BroadcastRpc), (failure.MessageId, failure.Origin));
        Assert.IsType<ObjectDisposedException>(failure.Error);
    }

    [Fact]
    public async Task A_failure_hook_that_throws_does_not_throw_into_the_window_procedure_either()
    {
        var reported = 0;
        var desktop = new NotifyBroker.Core.Desktop.InMemory.InMemoryDesktop();
        var engine = new NotifyBroker.Core.Engine.InMemory.InMemoryEngine(10, TimeSpan.FromHours(1));
        await using var broker = new Broker(desktop, new BrokerOptions(), engine: engine,
            listenerPublishFailed: _ => throw new InvalidOperationException($"hook failure {++reported}"));
        await broker.StartAsync();
        engine.Dispose();

        var result = await broker.BroadcastAsync(new BrokerBroadcastRequest { MessageId = 0xC000 });

        Assert.Equal((1, 1), (result.Result, result.Delivered));
        Assert.Equal(1, reported);
    }

    [Fact]
    public async Task A_message_that_is_published_is_not_reported_as_a_failure()
    {
        var failures = new List<ListenerPublishFailure>();
        var desktop = new NotifyBroker.Core.Desktop.InMemory.InMemoryDesktop();
        await using var broker = new Broker(desktop, new BrokerOptions(), listenerPublishFailed: failures.Add);
        await broker.StartAsync();

        await broker.BroadcastAsync(new BrokerBroadcastRequest { MessageId = 0xC000 });

        Assert.Equal(1, broker.GetHistoryState().Count);
        Assert.Empty(failures);
    }
}
