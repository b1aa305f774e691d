using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Windows.Broadcasting;

namespace NotifyBroker.Windows.Tests.Unit;

/// <summary>How long the Win32 desktop waits for one BroadcastSystemMessageExW call, and how it says it stopped waiting.</summary>
public sealed class BroadcastDeadlineTests
{
    [Fact]
    public void The_bound_is_the_per_window_timeout_times_the_windows_addressed()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), BroadcastDeadline.For(TimeSpan.FromSeconds(2), addressed: 5));
        Assert.Equal(TimeSpan.FromMilliseconds(3), BroadcastDeadline.For(TimeSpan.FromMilliseconds(1), addressed: 3));
    }

    [Fact]
    public void A_broadcast_that_addresses_no_window_still_gets_one_windows_time()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), BroadcastDeadline.For(TimeSpan.FromSeconds(2), addressed: 0));
    }

    [Fact]
    public void A_command_without_a_timeout_is_not_bounded_by_the_broker()
    {
        Assert.Equal(Timeout.InfiniteTimeSpan, BroadcastDeadline.For(TimeSpan.Zero, addressed: 3));
    }

    [Fact]
    public void Past_the_bound_the_caller_gets_ERROR_TIMEOUT_which_is_DEADLINE_EXCEEDED()
    {
        var command = new BroadcastCommand(0x1, 0x8, 0xC123, 0, 0, null, TimeSpan.FromMilliseconds(250));

        BrokerException error = BroadcastDeadline.Exceeded(command, addressed: 4, TimeSpan.FromSeconds(1));

        Assert.Equal(Win32Error.ERROR_TIMEOUT, error.Code);
        Assert.Equal("250", error.Details["timeout_ms"]);
        Assert.Equal("1000", error.Details["limit_ms"]);
        Assert.Equal("4", error.Details["windows"]);
        Assert.Contains("0xC123", error.Message, StringComparison.Ordinal);
        Assert.Contains("goes on to its end in the background", error.Message, StringComparison.Ordinal);
    }
}
