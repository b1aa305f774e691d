using NotifyBroker.Windows.Listener;

namespace NotifyBroker.Windows.Tests.Unit;

/// <summary>Only the broker's own stop ends its listener: whatever arrives from outside ends nothing.</summary>
public sealed class ListenerGuardTests
{
    private readonly ListenerGuard _guard = new();

    [Fact]
    public void The_control_message_closes_the_window_only_once_the_broker_asked_for_it()
    {
        Assert.False(_guard.OnControl(out long ignored));
        Assert.Equal(1, ignored);
        Assert.False(_guard.Closing);

        _guard.RequestStop();

        Assert.True(_guard.StopRequested);
        Assert.True(_guard.OnControl(out _));
        Assert.True(_guard.Closing);
        Assert.Equal(1, _guard.IgnoredControls);
    }

    [Fact]
    public void WM_CLOSE_never_closes_it()
    {
        Assert.Equal(1, _guard.OnClose());
        _guard.RequestStop();
        Assert.Equal(2, _guard.OnClose());
        Assert.False(_guard.Closing);
    }

    [Fact]
    public void A_WM_DESTROY_ends_the_loop_only_while_its_own_close_runs()
    {
        Assert.False(_guard.OnDestroy(out long ignored));
        Assert.Equal(1, ignored);

        // Asked to stop, but the close has not begun yet (the control message is still on its way): still foreign.
        _guard.RequestStop();
        Assert.False(_guard.OnDestroy(out _));

        Assert.True(_guard.OnControl(out _));
        Assert.True(_guard.OnDestroy(out _));
        Assert.Equal(2, _guard.IgnoredDestroys);
    }

    [Fact]
    public void A_WM_QUIT_it_did_not_cause_is_ignored_and_the_loop_goes_on()
    {
        Assert.False(_guard.OnQuit(windowExists: true, out long first));
        Assert.False(_guard.OnQuit(windowExists: true, out long second));
        Assert.Equal((1, 2), (first, second));

        _guard.RequestStop();
        Assert.False(_guard.OnQuit(windowExists: true, out _));

        _guard.OnControl(out _);
        Assert.True(_guard.OnQuit(windowExists: true, out _));
        Assert.Equal(3, _guard.IgnoredQuits);
    }

    [Fact]
    public void Once_the_window_is_gone_a_WM_QUIT_ends_the_loop_whoever_posted_it()
    {
        Assert.True(_guard.OnQuit(windowExists: false, out long ignored));
        Assert.Equal(0, ignored);
    }

    [Fact]
    public void Ignored_counts_every_kind()
    {
        _guard.OnControl(out _);
        _guard.OnClose();
        _guard.OnDestroy(out _);
        _guard.OnQuit(windowExists: true, out _);

        Assert.Equal(4, _guard.Ignored);
    }

    [Theory]
    [InlineData(1L, true)]
    [InlineData(2L, true)]
    [InlineData(3L, false)]
    [InlineData(4L, true)]
    [InlineData(1000L, false)]
    [InlineData(1024L, true)]
    [InlineData(0L, false)]
    public void Ignored_messages_are_logged_at_powers_of_two_only(long count, bool logged)
    {
        Assert.Equal(logged, ListenerGuard.IsWorthLogging(count));
    }
}
