using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Windows.Broadcasting;

namespace NotifyBroker.Windows.Tests.Unit;

public sealed class BroadcastPlanTests
{
    private const uint Registered = 0xC123;

    private static BroadcastCommand Command(uint flags, uint message = Registered, long lParam = 0, WindowMessagePayload? payload = null) =>
        new(flags, BroadcastRecipients.BSM_APPLICATIONS, message, 1, lParam, payload, TimeSpan.FromSeconds(1));

    [Theory]
    [InlineData(BroadcastFlags.BSF_POSTMESSAGE)]
    [InlineData(BroadcastFlags.BSF_SENDNOTIFYMESSAGE)]
    [InlineData(BroadcastFlags.BSF_POSTMESSAGE | BroadcastFlags.BSF_IGNORECURRENTTASK)]
    public void Asynchronous_modes_are_kept_as_asked(uint flags)
    {
        BroadcastPlan plan = BroadcastPlan.For(Command(flags));

        Assert.Equal(flags, plan.Flags);
        Assert.False(plan.IsSynchronous);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(BroadcastFlags.BSF_IGNORECURRENTTASK)]
    [InlineData(BroadcastFlags.BSF_NOHANG | BroadcastFlags.BSF_FORCEIFHUNG)]
    public void A_request_without_a_mode_becomes_an_explicit_synchronous_BSF_QUERY(uint flags)
    {
        BroadcastPlan plan = BroadcastPlan.For(Command(flags));

        Assert.Equal(flags | BroadcastFlags.BSF_QUERY, plan.Flags);
        Assert.True(plan.IsSynchronous);
    }

    [Fact]
    public void Unknown_bits_reach_the_system_so_it_rejects_them_itself()
    {
        BroadcastPlan plan = BroadcastPlan.For(Command(0x800 | BroadcastFlags.BSF_POSTMESSAGE));

        Assert.Equal(0x800u | BroadcastFlags.BSF_POSTMESSAGE, plan.Flags);
    }

    [Fact]
    public void A_string_payload_is_sent_synchronously()
    {
        BroadcastPlan plan = BroadcastPlan.For(Command(0, WindowMessages.WM_SETTINGCHANGE, payload: new WindowMessagePayload.Text("Environment")));

        Assert.True(plan.IsSynchronous);
        Assert.True(plan.CarriesPayload);
    }

    [Theory]
    [InlineData(BroadcastFlags.BSF_POSTMESSAGE)]
    [InlineData(BroadcastFlags.BSF_SENDNOTIFYMESSAGE)]
    public void A_pointer_message_on_an_asynchronous_path_fails_with_ERROR_MESSAGE_SYNC_ONLY(uint flags)
    {
        var error = Assert.Throws<BrokerException>(() =>
            BroadcastPlan.For(Command(flags, WindowMessages.WM_COPYDATA, payload: new WindowMessagePayload.CopyData(1, new byte[] { 1 }))));

        Assert.Equal(Win32Error.ERROR_MESSAGE_SYNC_ONLY, error.Code);
    }

    [Fact]
    public void WM_COPYDATA_without_its_payload_is_refused_rather_than_sending_a_dangling_pointer()
    {
        var error = Assert.Throws<BrokerException>(() => BroadcastPlan.For(Command(0, WindowMessages.WM_COPYDATA, lParam: 0x1234)));

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
    }

    [Fact]
    public void WM_SETTINGCHANGE_with_an_integer_lParam_other_than_zero_is_refused()
    {
        var error = Assert.Throws<BrokerException>(() => BroadcastPlan.For(Command(0, WindowMessages.WM_SETTINGCHANGE, lParam: 77)));

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
    }

    [Fact]
    public void WM_SETTINGCHANGE_without_a_string_is_an_integer_message_and_may_be_posted()
    {
        BroadcastPlan plan = BroadcastPlan.For(Command(BroadcastFlags.BSF_POSTMESSAGE, WindowMessages.WM_SETTINGCHANGE));

        Assert.False(plan.CarriesPayload);
        Assert.Equal(BroadcastFlags.BSF_POSTMESSAGE, plan.Flags);
    }

    [Fact]
    public void A_raw_lParam_for_a_pointer_the_broker_cannot_build_is_refused_as_the_policy_refuses_it()
    {
        var error = Assert.Throws<BrokerException>(() => BroadcastPlan.For(Command(0, WindowMessages.WM_DEVICECHANGE, lParam: 0x1234)));

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
    }

    [Fact]
    public void A_payload_on_a_registered_message_is_refused_because_the_system_never_marshals_it()
    {
        var error = Assert.Throws<BrokerException>(() => BroadcastPlan.For(Command(0, Registered, payload: new WindowMessagePayload.Text("x"))));

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
    }

    [Fact]
    public void The_wrong_payload_kind_is_refused()
    {
        var error = Assert.Throws<BrokerException>(() =>
            BroadcastPlan.For(Command(0, WindowMessages.WM_COPYDATA, payload: new WindowMessagePayload.Text("not bytes"))));

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
    }
}
