using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Policy;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Core.Tests.TestSupport;
using static NotifyBroker.Core.Desktop.BroadcastFlags;
using static NotifyBroker.Core.Desktop.BroadcastRecipients;

namespace NotifyBroker.Core.Tests.Desktop;

/// <summary>
/// A desktop whose listener dies says so (IsListening, ListenerLost) and answers the broker's own broadcasts with
/// NERR_MsgNotStarted instead of reporting them made: the in-memory desktop simulates what the Win32 one does.
/// </summary>
public class ListenerLossTests
{
    private static BroadcastCommand Command(uint message = 0xC100) => new(BSF_POSTMESSAGE, BSM_APPLICATIONS, message, 1, 2, null, TimeSpan.FromSeconds(1));

    [Fact]
    public async Task A_desktop_listens_from_start_to_stop()
    {
        await using var desktop = new InMemoryDesktop();
        Assert.False(desktop.IsListening);

        await desktop.StartListeningAsync(new CountingSink(), CancellationToken.None);
        Assert.True(desktop.IsListening);
        Assert.True(((IDesktop)desktop).IsListening);

        await desktop.StopListeningAsync(CancellationToken.None);
        Assert.False(desktop.IsListening);
        Assert.Null(desktop.LostListener);
    }

    [Fact]
    public async Task A_lost_listener_is_reported_once_with_its_reason_and_error()
    {
        await using var desktop = new InMemoryDesktop();
        var raised = new List<(object? Sender, ListenerLostEventArgs Args)>();
        desktop.ListenerLost += (sender, args) => raised.Add((sender, args));
        await desktop.StartListeningAsync(new CountingSink(), CancellationToken.None);
        var error = new InvalidOperationException("boom");

        Assert.True(desktop.SimulateListenerLoss("its thread ended", error));
        Assert.False(desktop.SimulateListenerLoss());

        var (sender, args) = Assert.Single(raised);
        Assert.Same(desktop, sender);
        Assert.Equal("its thread ended", args.Reason);
        Assert.Same(error, args.Error);
        Assert.False(desktop.IsListening);
        Assert.Same(args, desktop.LostListener);
        Assert.Null(desktop.ListenerWindow);
    }

    [Fact]
    public async Task Once_lost_the_listener_hears_nothing_and_the_brokers_broadcasts_fail_with_NERR_MsgNotStarted()
    {
        await using var desktop = new InMemoryDesktop();
        var sink = new CountingSink();
        await desktop.StartListeningAsync(sink, CancellationToken.None);
        var other = desktop.CreateWindow("other app", 4000);
        desktop.SimulateListenerLoss();

        var failure = await Assert.ThrowsAsync<BrokerException>(() => desktop.BroadcastAsync(Command(), CancellationToken.None).AsTask());
        Assert.Equal(Win32Error.NERR_MsgNotStarted, failure.Code);
        Assert.Contains("thread ended", failure.Message, StringComparison.Ordinal);
        Assert.Empty(other.Received);

        // Other programs still broadcast on the desktop; the dead listener is no longer among its windows.
        var outcome = await desktop.BroadcastFromAsync(4000, Command());
        Assert.Equal(1, outcome.Delivered);
        Assert.Equal(0, sink.Count);

        // Stopping what is already lost changes nothing for the broker's broadcasts.
        await desktop.StopListeningAsync(CancellationToken.None);
        await Assert.ThrowsAsync<BrokerException>(() => desktop.BroadcastAsync(Command(), CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Starting_the_listener_again_ends_the_loss()
    {
        await using var desktop = new InMemoryDesktop();
        await desktop.StartListeningAsync(new CountingSink(), CancellationToken.None);
        desktop.SimulateListenerLoss();
        var sink = new CountingSink();

        await desktop.StartListeningAsync(sink, CancellationToken.None);

        Assert.True(desktop.IsListening);
        Assert.Null(desktop.LostListener);
        var outcome = await desktop.BroadcastAsync(Command(), CancellationToken.None);
        Assert.Equal(1, outcome.Delivered);
        Assert.Equal(1, sink.Count);
    }

    [Fact]
    public async Task The_broker_answers_a_Broadcast_on_a_lost_listener_with_NERR_MsgNotStarted_and_still_delivers_sends()
    {
        await using var test = await TestBroker.StartAsync();
        using var subscription = test.Broker.Subscribe(new SubscriptionRequest { HoldAliases = ["bob"] });
        test.Desktop.SimulateListenerLoss();

        var failure = await Assert.ThrowsAsync<BrokerException>(() =>
            test.Broker.BroadcastAsync(new BrokerBroadcastRequest { RegisteredName = "NotifyBroker.Ping", Flags = BSF_POSTMESSAGE }).AsTask());

        Assert.Equal(Win32Error.NERR_MsgNotStarted, failure.Code);
        Assert.Equal("NERR_MsgNotStarted", failure.SymbolicName);
        var sent = await test.Broker.SendAsync(new BrokerSendRequest { MsgName = "bob", Text = "still here" });
        Assert.Equal(1, sent.Recipients);
    }

    [Fact]
    public void A_loss_needs_a_reason()
    {
        Assert.Throws<ArgumentException>(() => new ListenerLostEventArgs(""));
    }

    private sealed class CountingSink : IWindowMessageSink
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void OnWindowMessage(in ReceivedWindowMessage message) => Interlocked.Increment(ref _count);
    }
}
