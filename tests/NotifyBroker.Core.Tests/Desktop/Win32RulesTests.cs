using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Policy;
using static NotifyBroker.Core.Desktop.BroadcastFlags;
using static NotifyBroker.Core.Desktop.BroadcastRecipients;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Core.Tests.Desktop;

/// <summary>
/// The Win32 rules the core owns for every desktop, the CLI and the tests: the names of the constants, the checks
/// BroadcastSystemMessageEx makes of its flags, and which lParams are pointers.
/// </summary>
public sealed class Win32RulesTests
{
    public static TheoryData<string, uint> EveryMessageConstant()
    {
        var data = new TheoryData<string, uint>();
        foreach (var field in typeof(WindowMessages).GetFields().Where(f => f.IsLiteral && f.Name.StartsWith("WM_", StringComparison.Ordinal)))
        {
            data.Add(field.Name, (uint)field.GetRawConstantValue()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryMessageConstant))]
    public void Every_WM_constant_is_a_name_the_syntax_reads_and_the_value_has_a_name(string name, uint id)
    {
        Assert.True(MessageNames.TryParseId(name.ToLowerInvariant(), out var parsed));
        Assert.Equal(id, parsed);
        Assert.NotNull(MessageNames.NameOf(id));
    }

    [Fact]
    public void Of_two_names_for_one_value_the_first_declared_is_shown()
    {
        Assert.True(MessageNames.TryParseId("WM_WININICHANGE", out var id));
        Assert.Equal(WM_SETTINGCHANGE, id);
        Assert.Equal("WM_SETTINGCHANGE", MessageNames.NameOf(WM_SETTINGCHANGE));
    }

    [Fact]
    public void The_name_tables_follow_the_constants_in_winuser_h_order()
    {
        Assert.Equal(("BSF_QUERY", BSF_QUERY), BroadcastFlags.Names[0]);
        Assert.Equal(("BSM_ALLCOMPONENTS", BSM_ALLCOMPONENTS), BroadcastRecipients.Names[0]);
        Assert.Equal(BroadcastFlags.All, BroadcastFlags.Names.Aggregate(0u, static (all, n) => all | n.Value));
        Assert.Equal(BroadcastRecipients.All, BroadcastRecipients.Names.Aggregate(0u, static (all, n) => all | n.Value));
        Assert.DoesNotContain(BroadcastFlags.Names, static n => n.Name is nameof(AsynchronousModes) or nameof(BroadcastFlags.All));
    }

    [Theory]
    [InlineData(0x800u, 0u, "Unknown BSF_* bits 0x00000800.")]
    [InlineData(0x800u, 0x20u, "Unknown BSF_* bits 0x00000800.")]
    [InlineData(BSF_QUERY | BSF_POSTMESSAGE, 0x20u, "Unknown BSM_* bits 0x00000020.")]
    [InlineData(BSF_QUERY | BSF_POSTMESSAGE, 0u, "BSF_QUERY cannot be combined with BSF_POSTMESSAGE or BSF_SENDNOTIFYMESSAGE.")]
    [InlineData(BSF_QUERY | BSF_SENDNOTIFYMESSAGE, 0u, "BSF_QUERY cannot be combined with BSF_POSTMESSAGE or BSF_SENDNOTIFYMESSAGE.")]
    public void What_BroadcastSystemMessageEx_refuses_is_refused_in_its_order(uint flags, uint recipients, string message)
    {
        var error = Assert.Throws<BrokerException>(() => EnsureValid(flags, recipients));

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Two_asynchronous_modes_are_left_to_the_policy() => EnsureValid(AsynchronousModes, BSM_APPLICATIONS);

    [Theory]
    [InlineData(WM_COPYDATA, 0L, false, true)]
    [InlineData(WM_SETTINGCHANGE, 0L, true, true)]
    [InlineData(WM_SETTINGCHANGE, 0L, false, false)]
    [InlineData(WM_SETTINGCHANGE, 77L, false, true)]
    [InlineData(WM_DEVICECHANGE, 0x1234L, false, true)]
    [InlineData(WM_DEVICECHANGE, 0L, false, false)]
    [InlineData(WM_APP + 1, 0x1234L, false, false)]
    [InlineData(RegisteredFirst, 0L, true, false)]
    public void A_lParam_is_a_pointer_for_WM_COPYDATA_and_for_pointer_messages_given_data(uint message, long lParam, bool text, bool pointer) =>
        Assert.Equal(pointer, PointerMessages.LParamIsPointer(message, lParam, text ? new WindowMessagePayload.Text("x") : null));

    [Theory]
    [InlineData(WM_COPYDATA, 0L, "none")]
    [InlineData(WM_COPYDATA, 0L, "text")]
    [InlineData(WM_COPYDATA, 0x1234L, "copydata")]
    [InlineData(WM_SETTINGCHANGE, 77L, "none")]
    [InlineData(WM_SETTINGCHANGE, 0L, "copydata")]
    [InlineData(WM_DEVICECHANGE, 0x1234L, "none")]
    [InlineData(WM_DEVICECHANGE, 0L, "text")]
    [InlineData(RegisteredFirst, 0L, "text")]
    public void What_a_message_cannot_carry_is_an_invalid_parameter(uint message, long lParam, string payload)
    {
        var error = Assert.Throws<BrokerException>(() => PointerMessages.EnsureFits(message, lParam, Payload(payload)));
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
    }

    [Theory]
    [InlineData(WM_COPYDATA, 0L, "copydata")]
    [InlineData(WM_SETTINGCHANGE, 0L, "text")]
    [InlineData(WM_SETTINGCHANGE, 0L, "none")]
    [InlineData(WM_DEVICECHANGE, 0L, "none")]
    [InlineData(WM_APP + 1, -7L, "none")]
    public void What_a_message_can_carry_fits(uint message, long lParam, string payload) =>
        PointerMessages.EnsureFits(message, lParam, Payload(payload));

    private static WindowMessagePayload? Payload(string kind) => kind switch
    {
        "text" => new WindowMessagePayload.Text("Environment"),
        "copydata" => new WindowMessagePayload.CopyData(1, new byte[] { 1 }),
        _ => null,
    };
}
