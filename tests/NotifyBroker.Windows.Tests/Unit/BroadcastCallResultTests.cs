using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Windows.Broadcasting;

namespace NotifyBroker.Windows.Tests.Unit;

public sealed class BroadcastCallResultTests
{
    private static string Describe(ulong hwnd) => $"window {hwnd:X}";

    [Fact]
    public void A_positive_result_is_delivered_with_the_recipients_the_system_echoed()
    {
        BroadcastOutcome outcome = new BroadcastCallResult(1, 0, 8, 0, 0).ToOutcome(BroadcastFlags.BSF_POSTMESSAGE, addressed: 3, Describe);

        Assert.Equal(new BroadcastOutcome(1, 8, 3, null), outcome);
    }

    [Fact]
    public void Zero_under_BSF_QUERY_is_a_denial_naming_the_window_from_BSMINFO()
    {
        BroadcastOutcome outcome = new BroadcastCallResult(0, 0, 8, 0x10042, 0x30).ToOutcome(BroadcastFlags.BSF_QUERY, 3, Describe);

        Assert.Equal(0, outcome.Result);
        Assert.Equal(new WindowIdentity(0x10042, 0x30, "window 10042"), outcome.DeniedBy);
    }

    [Fact]
    public void A_denial_without_BSMINFO_as_under_Wine_reports_no_denier()
    {
        BroadcastOutcome outcome = new BroadcastCallResult(0, 0, 8, 0, 0).ToOutcome(BroadcastFlags.BSF_QUERY, 3, Describe);

        Assert.Equal(0, outcome.Result);
        Assert.Null(outcome.DeniedBy);
    }

    [Fact]
    public void Zero_with_ERROR_INVALID_PARAMETER_is_a_failure_even_under_BSF_QUERY()
    {
        var error = Assert.Throws<BrokerException>(() =>
            new BroadcastCallResult(0, Win32Error.ERROR_INVALID_PARAMETER, 8, 0, 0).ToOutcome(BroadcastFlags.BSF_QUERY | 0x800, 3, Describe));

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
    }

    [Fact]
    public void Minus_one_is_a_failure_with_the_last_error()
    {
        var error = Assert.Throws<BrokerException>(() =>
            new BroadcastCallResult(-1, Win32Error.ERROR_ACCESS_DENIED, 0x10, 0, 0).ToOutcome(BroadcastFlags.BSF_POSTMESSAGE, 3, Describe));

        Assert.Equal(Win32Error.ERROR_ACCESS_DENIED, error.Code);
    }

    [Fact]
    public void A_failure_without_a_last_error_still_carries_a_code()
    {
        var error = Assert.Throws<BrokerException>(() =>
            new BroadcastCallResult(-1, 0, 8, 0, 0).ToOutcome(BroadcastFlags.BSF_POSTMESSAGE, 3, Describe));

        Assert.Equal(Win32Error.ERROR_GEN_FAILURE, error.Code);
    }

    [Fact]
    public void Success_with_ERROR_MESSAGE_SYNC_ONLY_is_the_silent_drop_Wine_reports_and_becomes_a_failure()
    {
        var error = Assert.Throws<BrokerException>(() =>
            new BroadcastCallResult(1, Win32Error.ERROR_MESSAGE_SYNC_ONLY, 8, 0, 0).ToOutcome(BroadcastFlags.BSF_POSTMESSAGE, 3, Describe));

        Assert.Equal(Win32Error.ERROR_MESSAGE_SYNC_ONLY, error.Code);
    }
}
