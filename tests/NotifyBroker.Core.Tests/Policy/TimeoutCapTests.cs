using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Policy;
using NotifyBroker.Core.Tests.TestSupport;

namespace NotifyBroker.Core.Tests.Policy;

/// <summary>
/// The documented maxima of the two waits a client can ask for: a broadcast's per-window wait (60 s) and the session
/// path's wait for the user (10 minutes). Each of those seconds can hold one of the desktop's few dedicated threads,
/// so more is refused with ERROR_INVALID_PARAMETER (INVALID_ARGUMENT) before the desktop sees the call.
/// </summary>
public sealed class TimeoutCapTests
{
    private const uint BSM_APPLICATIONS = 0x8;
    private const uint RegisteredMessage = 0xC000;

    private static BrokerBroadcastRequest Broadcast(TimeSpan timeout) =>
        new() { Recipients = BSM_APPLICATIONS, MessageId = RegisteredMessage, Timeout = timeout };

    private static BrokerSendRequest SendTo(string name, TimeSpan timeout) => new() { MsgName = name, Text = "hello", Timeout = timeout };

    [Fact]
    public async Task A_broadcast_may_wait_up_to_60_seconds_per_window()
    {
        await using var desktop = new RecordingDesktop();
        await using var broker = new Broker(desktop, new BrokerOptions());

        await broker.BroadcastAsync(Broadcast(TimeSpan.FromSeconds(60)));

        Assert.Equal(TimeSpan.FromSeconds(60), desktop.LastBroadcast.Timeout);
    }

    [Theory]
    [InlineData(60_001)]
    [InlineData(3_600_000)]
    [InlineData(4_294_967_294)]
    public async Task A_longer_broadcast_timeout_is_refused_before_the_desktop_sees_it(long milliseconds)
    {
        await using var desktop = new RecordingDesktop();
        await using var broker = new Broker(desktop, new BrokerOptions());

        var error = await Assert.ThrowsAsync<BrokerException>(() => broker.BroadcastAsync(Broadcast(TimeSpan.FromMilliseconds(milliseconds))).AsTask());

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
        Assert.Equal("max_broadcast_timeout", error.Details["limit"]);
        Assert.Equal("60", error.Details["max_seconds"]);
        Assert.Equal(0, desktop.BroadcastCount);
    }

    [Fact]
    public void A_default_broadcast_timeout_above_the_maximum_is_refused_at_start()
    {
        var options = new BrokerOptions { DefaultBroadcastTimeout = TimeSpan.FromSeconds(61) };
        var desktop = new RecordingDesktop();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Broker(desktop, options));

        Assert.Contains("Broker:DefaultBroadcastTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_send_may_wait_up_to_ten_minutes_for_the_user()
    {
        await using var test = await TestBroker.StartAsync(capabilities: DesktopCapabilities.Sessions);
        var alice = test.Desktop.AddSession(1, "alice");

        await test.Broker.SendAsync(SendTo("alice", TimeSpan.FromMinutes(10)));

        Assert.Equal(TimeSpan.FromMinutes(10), Assert.Single(alice.Received).Timeout);
    }

    [Theory]
    [InlineData(601)]
    [InlineData(86_400)]
    [InlineData(4_294_967_295)]
    public async Task A_longer_send_timeout_is_refused_before_any_session_sees_it(long seconds)
    {
        await using var test = await TestBroker.StartAsync(capabilities: DesktopCapabilities.Sessions);
        var alice = test.Desktop.AddSession(1, "alice");

        var error = await Assert.ThrowsAsync<BrokerException>(() => test.Broker.SendAsync(SendTo("alice", TimeSpan.FromSeconds(seconds))).AsTask());

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
        Assert.Equal("max_send_timeout", error.Details["limit"]);
        Assert.Equal("600", error.Details["max_seconds"]);
        Assert.Empty(alice.Received);
    }
}
