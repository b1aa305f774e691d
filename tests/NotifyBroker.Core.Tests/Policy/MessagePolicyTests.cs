using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Policy;
using NotifyBroker.Core.Security;
using static NotifyBroker.Core.Desktop.BroadcastRecipients;
using static NotifyBroker.Core.Desktop.WindowMessages;
using static NotifyBroker.Core.Tests.Policy.PolicyHarness;

namespace NotifyBroker.Core.Tests.Policy;

/// <summary>Which messages each caller may broadcast: the default policy, the operator's lists, the always-refused ones.</summary>
public sealed class MessagePolicyTests
{
    private static BrokerBroadcastRequest Message(uint id, Caller? caller, uint recipients = BSM_APPLICATIONS) => new()
    {
        MessageId = id,
        Recipients = recipients,
        Caller = caller,
        Payload = id == WM_COPYDATA ? new WindowMessagePayload.CopyData(7, "hi"u8.ToArray()) : null,
    };

    private static async Task<BrokerException> RefusedAsync(PolicyHarness test, BrokerBroadcastRequest request)
    {
        var error = await Assert.ThrowsAsync<BrokerException>(() => test.Broker.BroadcastAsync(request).AsTask());
        Assert.Equal(0, test.Desktop.BroadcastCount);
        return error;
    }

    private static void AssertDenied(BrokerException error, string rule, uint id)
    {
        Assert.Equal(Win32Error.ERROR_ACCESS_DENIED, error.Code);
        Assert.Equal(rule, error.Details["rule"]);
        Assert.Equal($"0x{id:X4}", error.Details["message_id"]);
    }

    public static TheoryData<uint> DefaultAllowed() =>
    [
        0xC000, 0xC123, 0xFFFF,           // registered
        WM_APP, WM_APP + 1, 0xBFFF,       // WM_APP
        WM_COPYDATA,
        WM_SETTINGCHANGE, WM_DEVMODECHANGE, WM_FONTCHANGE, WM_TIMECHANGE,
    ];

    public static TheoryData<uint> OutsideTheDefault() =>
    [
        0x0000, 0x0001, 0x000C, 0x0015, 0x001C, 0x001F, WM_NOTIFY, 0x007E, WM_POWERBROADCAST, WM_DEVICECHANGE, 0x02B1,
        WM_PALETTECHANGED, 0x03FF,
    ];

    private static readonly uint[] AlwaysRefusedIds =
    [
        WM_DESTROY, WM_CLOSE, WM_QUERYENDSESSION, WM_QUIT, WM_ENDSESSION, WM_SYSCOMMAND,
        WM_USER, WM_USER + 1, WM_USER + 0x100, 0x7FFF,
    ];

    public static TheoryData<uint> AlwaysRefused() => [.. AlwaysRefusedIds];

    [Theory]
    [MemberData(nameof(DefaultAllowed))]
    public async Task A_broadcaster_may_send_what_the_default_policy_allows(uint id)
    {
        await using var test = await StartAsync();

        var result = await test.Broker.BroadcastAsync(Message(id, Broadcaster));

        Assert.Equal(id, result.MessageId);
        Assert.Equal(id, test.Desktop.LastBroadcast.MessageId);
    }

    [Fact]
    public async Task A_broadcaster_may_send_a_message_by_registered_name()
    {
        await using var test = await StartAsync();

        var result = await test.Broker.BroadcastAsync(new BrokerBroadcastRequest { RegisteredName = "MyApp.Refresh", Caller = Broadcaster });

        Assert.InRange(result.MessageId, WindowMessages.RegisteredFirst, WindowMessages.RegisteredLast);
    }

    [Theory]
    [MemberData(nameof(OutsideTheDefault))]
    public async Task Anything_else_below_0xC000_is_not_allowed_for_a_broadcaster(uint id)
    {
        await using var test = await StartAsync();

        var error = await RefusedAsync(test, Message(id, Broadcaster));

        AssertDenied(error, "not_allowed", id);
    }

    [Theory]
    [MemberData(nameof(OutsideTheDefault))]
    public async Task An_admin_and_the_operator_may_send_messages_outside_the_default(uint id)
    {
        await using var test = await StartAsync();

        await test.Broker.BroadcastAsync(Message(id, Admin));
        await test.Broker.BroadcastAsync(Message(id, caller: null));

        Assert.Equal(2, test.Desktop.BroadcastCount);
    }

    [Fact]
    public async Task A_scope_other_than_admin_does_not_widen_the_policy()
    {
        await using var test = await StartAsync();
        var manyScopes = Key("many", BrokerScopes.Broadcast, BrokerScopes.Send, BrokerScopes.Subscribe, BrokerScopes.Aliases, BrokerScopes.FromName);

        AssertDenied(await RefusedAsync(test, Message(WM_POWERBROADCAST, manyScopes)), "not_allowed", WM_POWERBROADCAST);
    }

    [Fact]
    public async Task The_operators_allow_list_lets_a_broadcaster_send_its_ids_names_and_ranges()
    {
        await using var test = await StartAsync(o => o.Policy.AllowMessages.AddRange(["WM_POWERBROADCAST", "0x0219", "0x0300-0x031F", "wm_notify"]));

        foreach (var id in new[] { WM_POWERBROADCAST, WM_DEVICECHANGE, 0x0300u, WM_PALETTECHANGED, 0x031Fu, WM_NOTIFY })
        {
            await test.Broker.BroadcastAsync(Message(id, Broadcaster));
        }

        Assert.Equal(6, test.Desktop.BroadcastCount);
        var error = await Assert.ThrowsAsync<BrokerException>(() => test.Broker.BroadcastAsync(Message(0x0320, Broadcaster)).AsTask());
        AssertDenied(error, "not_allowed", 0x0320);
    }

    [Theory]
    [MemberData(nameof(AlwaysRefused))]
    public async Task Always_refused_messages_are_refused_for_every_identity(uint id)
    {
        await using var test = await StartAsync(o => o.Policy.AllowMessages.Add("0x0000-0xBFFF"));

        foreach (var caller in new[] { Broadcaster, Admin, Everything, null })
        {
            var error = await RefusedAsync(test, Message(id, caller));
            AssertDenied(error, "always_refused", id);
        }
    }

    [Theory]
    [InlineData(WM_DESTROY, "WM_DESTROY")]
    [InlineData(WM_CLOSE, "WM_CLOSE")]
    [InlineData(WM_QUERYENDSESSION, "WM_QUERYENDSESSION")]
    [InlineData(WM_QUIT, "WM_QUIT")]
    [InlineData(WM_ENDSESSION, "WM_ENDSESSION")]
    [InlineData(WM_SYSCOMMAND, "WM_SYSCOMMAND")]
    public async Task Naming_one_always_refused_message_lifts_that_one_only(uint id, string name)
    {
        await using var test = await StartAsync(o => o.Policy.AllowAlwaysRefused.Add(name));

        Assert.Equal(name, (await RefusedAsync(test, Message(id, Broadcaster))).Details["message_name"]);
        await test.Broker.BroadcastAsync(Message(id, Admin));
        await test.Broker.BroadcastAsync(Message(id, caller: null));
        Assert.Equal(2, test.Desktop.BroadcastCount);

        foreach (var other in AlwaysRefusedIds)
        {
            if (other != id)
            {
                var error = await Assert.ThrowsAsync<BrokerException>(() => test.Broker.BroadcastAsync(Message(other, Admin)).AsTask());
                AssertDenied(error, "always_refused", other);
            }
        }

        Assert.Equal(2, test.Desktop.BroadcastCount);
    }

    [Fact]
    public async Task A_lifted_message_is_outside_the_default_so_a_broadcaster_also_needs_the_allow_list()
    {
        await using var test = await StartAsync(o =>
        {
            o.Policy.AllowAlwaysRefused.Add("0x0016");
            o.Policy.AllowMessages.Add("WM_ENDSESSION");
        });

        var result = await test.Broker.BroadcastAsync(Message(WM_ENDSESSION, Broadcaster) with { WParam = 1 });

        Assert.Equal(WM_ENDSESSION, result.MessageId);
        AssertDenied(await Assert.ThrowsAsync<BrokerException>(() => test.Broker.BroadcastAsync(Message(WM_QUERYENDSESSION, Admin)).AsTask()),
            "always_refused", WM_QUERYENDSESSION);
    }

    [Theory]
    [InlineData("WM_USER+1")]
    [InlineData("0x0401")]
    [InlineData("1025")]
    [InlineData(" wm_user + 0x1 ")]
    public async Task Naming_a_WM_USER_message_lifts_only_that_id(string entry)
    {
        await using var test = await StartAsync(o => o.Policy.AllowAlwaysRefused.Add(entry));

        await test.Broker.BroadcastAsync(Message(WM_USER + 1, Admin));

        foreach (var other in new[] { WM_USER, WM_USER + 2, 0x7FFFu })
        {
            var error = await Assert.ThrowsAsync<BrokerException>(() => test.Broker.BroadcastAsync(Message(other, Admin)).AsTask());
            AssertDenied(error, "always_refused", other);
        }

        AssertDenied(await Assert.ThrowsAsync<BrokerException>(() => test.Broker.BroadcastAsync(Message(WM_USER + 1, Broadcaster)).AsTask()),
            "not_allowed", WM_USER + 1);
        Assert.Equal(1, test.Desktop.BroadcastCount);
    }

    [Fact]
    public async Task An_allowed_range_over_WM_USER_lifts_nothing_by_itself()
    {
        await using var test = await StartAsync(o =>
        {
            o.Policy.AllowMessages.Add("0x0400-0x04FF");
            o.Policy.AllowAlwaysRefused.Add("WM_USER+1");
        });

        await test.Broker.BroadcastAsync(Message(WM_USER + 1, Broadcaster));

        var error = await Assert.ThrowsAsync<BrokerException>(() => test.Broker.BroadcastAsync(Message(WM_USER + 2, Broadcaster)).AsTask());
        AssertDenied(error, "always_refused", WM_USER + 2);
        Assert.Equal(1, test.Desktop.BroadcastCount);
    }

    [Fact]
    public async Task BSM_ALLDESKTOPS_needs_admin()
    {
        await using var test = await StartAsync();

        foreach (var recipients in new[] { BSM_ALLDESKTOPS, BSM_ALLDESKTOPS | BSM_APPLICATIONS })
        {
            var error = await RefusedAsync(test, Message(0xC000, Broadcaster, recipients));
            Assert.Equal(Win32Error.ERROR_ACCESS_DENIED, error.Code);
            Assert.Equal(BrokerScopes.Admin, error.Details["scope"]);
        }

        await test.Broker.BroadcastAsync(Message(0xC000, Broadcaster, BSM_APPLICATIONS));
        await test.Broker.BroadcastAsync(Message(0xC000, Admin, BSM_ALLDESKTOPS));
        await test.Broker.BroadcastAsync(Message(0xC000, caller: null, BSM_ALLDESKTOPS));
        Assert.Equal(3, test.Desktop.BroadcastCount);
    }

    [Fact]
    public async Task Broadcast_needs_the_broadcast_scope()
    {
        await using var test = await StartAsync();

        var error = await RefusedAsync(test, Message(0xC000, Key("sender", BrokerScopes.Send, BrokerScopes.Subscribe)));

        Assert.Equal(Win32Error.ERROR_ACCESS_DENIED, error.Code);
        Assert.Equal(BrokerScopes.Broadcast, error.Details["scope"]);
    }

    [Fact]
    public async Task A_refused_registered_name_request_takes_no_atom()
    {
        await using var test = await StartAsync();
        var before = test.AtomsUsed();

        var noScope = new BrokerBroadcastRequest { RegisteredName = "Nope.1", Caller = Key("reader", BrokerScopes.Subscribe) };
        var allDesktops = new BrokerBroadcastRequest { RegisteredName = "Nope.2", Caller = Broadcaster, Recipients = BSM_ALLDESKTOPS };
        var payload = new BrokerBroadcastRequest { RegisteredName = "Nope.3", Caller = Broadcaster, Payload = new WindowMessagePayload.Text("x") };
        var badFlags = new BrokerBroadcastRequest { RegisteredName = "Nope.4", Caller = Admin, Flags = 0x800 };
        foreach (var request in new[] { noScope, allDesktops, payload, badFlags })
        {
            await RefusedAsync(test, request);
        }

        Assert.Equal(before, test.AtomsUsed());
    }

    [Theory]
    [InlineData("0x0400-0x0401")]
    [InlineData("WM_SETTINGCHANGE")]
    [InlineData("0x8000")]
    [InlineData("WM_BOGUS")]
    [InlineData("")]
    public void AllowAlwaysRefused_accepts_always_refused_messages_one_by_one_only(string entry)
    {
        var options = new BrokerOptions();
        options.Policy.AllowAlwaysRefused.Add(entry);

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal("Policy.AllowAlwaysRefused[0]", error.ParamName);
    }

    [Theory]
    [InlineData("WM_ENDSESSION")]
    [InlineData("0x0401")]
    [InlineData("0x0500-0x0400")]
    [InlineData("0xBFFF-0x10000")]
    [InlineData("not a message")]
    [InlineData("0x")]
    public void AllowMessages_refuses_what_it_cannot_allow(string entry)
    {
        var options = new BrokerOptions();
        options.Policy.AllowMessages.Add(entry);

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal("Policy.AllowMessages[0]", error.ParamName);
    }

    [Fact]
    public void A_broker_with_a_bad_policy_does_not_start()
    {
        var options = new BrokerOptions();
        options.Policy.AllowAlwaysRefused.Add("WM_FONTCHANGE");

        Assert.Throws<ArgumentOutOfRangeException>(() => new Broker(new TestSupport.RecordingDesktop(), options));
    }

    [Fact]
    public void Good_lists_validate()
    {
        var options = new BrokerOptions();
        options.Policy.AllowAlwaysRefused.AddRange(["WM_ENDSESSION", "wm_queryendsession", "0x0401", "WM_USER", "WM_SYSCOMMAND"]);
        options.Policy.AllowMessages.AddRange(["WM_ENDSESSION", "0x0401", "0x0000-0xFFFF", "WM_APP+0x10", "49152"]);

        options.Validate();
    }

    [Theory]
    [InlineData(-1, 10, 1024)]
    [InlineData(64, -1, 1024)]
    [InlineData(64, 10, -1)]
    [InlineData(64, 10, 16385)]
    public void Registered_name_bounds_must_be_possible(int perIdentity, int perMinute, int total)
    {
        var options = new BrokerOptions();
        options.Policy.MaxRegisteredNamesPerIdentity = perIdentity;
        options.Policy.NewRegisteredNamesPerMinute = perMinute;
        options.Policy.MaxRegisteredNames = total;

        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }
}
