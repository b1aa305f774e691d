using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Policy;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Core.Tests.TestSupport;

namespace NotifyBroker.Core.Tests.Policy;

/// <summary>Send with NetMessageBufferSend's meaning.</summary>
public class SendTests
{
    private static BrokerSendRequest To(string alias, string text = "hello") => new() { MsgName = alias, Text = text };

    private static async Task<int> ErrorCodeOf(Broker broker, BrokerSendRequest request) =>
        (await Assert.ThrowsAsync<BrokerException>(() => broker.SendAsync(request).AsTask())).Code;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Msgname_is_required(string? msgName)
    {
        await using var test = await TestBroker.StartAsync();
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, await ErrorCodeOf(test.Broker, new BrokerSendRequest { MsgName = msgName }));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(TestBroker.HostName)]
    [InlineData("testhost")]
    [InlineData(@"\\TestHost")]
    public async Task Servername_empty_or_the_brokers_own_name_is_local(string? serverName)
    {
        await using var test = await TestBroker.StartAsync();
        test.Broker.AddAlias(null, "ops");

        var result = await test.Broker.SendAsync(To("ops") with { ServerName = serverName });

        Assert.Equal(SendPath.Alias, result.Path);
    }

    [Theory]
    [InlineData("OTHERHOST")]
    [InlineData(@"\\OTHERHOST")]
    public async Task Any_other_servername_is_NERR_InvalidComputer(string serverName)
    {
        await using var test = await TestBroker.StartAsync();
        test.Broker.AddAlias(null, "ops");

        Assert.Equal(Win32Error.NERR_InvalidComputer, await ErrorCodeOf(test.Broker, To("ops") with { ServerName = serverName }));
    }

    [Fact]
    public async Task The_broker_name_from_options_is_the_local_servername()
    {
        await using var test = await TestBroker.StartAsync(o => o.Name = "broker-1");
        test.Broker.AddAlias("BROKER-1", "ops");

        await test.Broker.SendAsync(To("ops") with { ServerName = "broker-1" });
        Assert.Equal(Win32Error.NERR_InvalidComputer, await ErrorCodeOf(test.Broker, To("ops") with { ServerName = TestBroker.HostName }));
    }

    [Fact]
    public async Task Fromname_defaults_to_the_host_name()
    {
        await using var test = await TestBroker.StartAsync();
        using var subscription = test.Broker.Subscribe(new SubscriptionRequest { HoldAliases = ["ops"] });

        await test.Broker.SendAsync(To("ops"));
        await test.Broker.SendAsync(To("ops") with { FromName = "deploy-bot" });

        var events = await Read.ExactlyAsync(subscription, 2);
        Assert.Equal(TestBroker.HostName, Read.Alias(events[0]).FromName);
        Assert.Equal("deploy-bot", Read.Alias(events[1]).FromName);
        Assert.Equal(TestBroker.HostName, Read.Alias(events[0]).ServerName);
    }

    [Fact]
    public async Task Text_is_limited_to_1024_UTF16_code_units()
    {
        await using var test = await TestBroker.StartAsync();
        test.Broker.AddAlias(null, "ops");

        await test.Broker.SendAsync(To("ops", new string('a', 1024)));
        await test.Broker.SendAsync(To("ops", string.Concat(Enumerable.Repeat("😀", 512))));

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, await ErrorCodeOf(test.Broker, To("ops", new string('a', 1025))));
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, await ErrorCodeOf(test.Broker, To("ops", string.Concat(Enumerable.Repeat("😀", 512)) + "a")));
    }

    [Fact]
    public async Task An_alias_nobody_holds_or_registered_is_NERR_NameNotFound_without_a_session_path()
    {
        await using var test = await TestBroker.StartAsync();
        using var filterOnly = test.Broker.Subscribe(new SubscriptionRequest { Aliases = ["ghost"] });

        Assert.Equal(Win32Error.NERR_NameNotFound, await ErrorCodeOf(test.Broker, To("ghost")));
    }

    [Fact]
    public async Task An_unknown_alias_goes_to_the_session_path_when_the_desktop_has_one()
    {
        await using var test = await TestBroker.StartAsync(capabilities: DesktopCapabilities.Sessions);
        var alice = test.Desktop.AddSession(1, "alice");

        var async = await test.Broker.SendAsync(To("alice") with { Title = "Deploy" });
        var waited = await test.Broker.SendAsync(To("alice") with { Timeout = TimeSpan.FromSeconds(30) });

        Assert.Equal(new BrokerSendResult(SendPath.Session, 1, null, SimulatedSession.IDASYNC), async);
        Assert.Equal(SimulatedSession.IDOK, waited.Response);
        Assert.Equal(new SessionMessage("alice", TestBroker.HostName, "hello", "Deploy", 0, TimeSpan.Zero), alice.Received[0]);
        Assert.Equal(Win32Error.NERR_NameNotFound, await ErrorCodeOf(test.Broker, To("bob")));
    }

    [Fact]
    public async Task An_alias_send_counts_the_live_subscriptions_it_matches_and_reports_its_position()
    {
        await using var test = await TestBroker.StartAsync();
        test.Broker.AddAlias(null, "ops");
        using var holder = test.Broker.Subscribe(new SubscriptionRequest { HoldAliases = ["OPS"] });
        using var filterer = test.Broker.Subscribe(new SubscriptionRequest { Aliases = ["ops"] });
        using var everything = test.Broker.Subscribe(new SubscriptionRequest());
        using var holdsAndFilters = test.Broker.Subscribe(new SubscriptionRequest { Aliases = ["ops"], HoldAliases = ["ops"] });
        using var unrelated = test.Broker.Subscribe(new SubscriptionRequest { MessageIds = [0x1A] });
        using var otherAlias = test.Broker.Subscribe(new SubscriptionRequest { HoldAliases = ["dev"] });

        var result = await test.Broker.SendAsync(To("Ops", "deploy done"));

        Assert.Equal(SendPath.Alias, result.Path);
        Assert.Equal(4, result.Recipients);
        foreach (var receiver in new[] { holder, filterer, everything, holdsAndFilters })
        {
            var received = Assert.Single(Read.Available(receiver));
            Assert.Equal(result.Position, received.Position);
            // The alias was added in-process, so the operator owns it.
            Assert.Equal(new NotifyBroker.Core.Events.AliasMessageBody(TestBroker.HostName, "Ops", "deploy done", TestBroker.HostName, NotifyBroker.Core.Security.Caller.Operator.Id), received.Body);
        }

        Assert.Empty(Read.Available(unrelated));
        Assert.Empty(Read.Available(otherAlias));
    }

    [Fact]
    public async Task A_held_alias_receives_sends_only_while_its_subscription_is_open()
    {
        await using var test = await TestBroker.StartAsync();
        var subscription = test.Broker.Subscribe(new SubscriptionRequest { HoldAliases = ["pager"] });

        Assert.Equal(1, (await test.Broker.SendAsync(To("PAGER"))).Recipients);

        subscription.Dispose();
        Assert.Equal(Win32Error.NERR_NameNotFound, await ErrorCodeOf(test.Broker, To("pager")));
    }

    [Fact]
    public async Task A_registered_alias_with_no_subscriber_is_still_recorded_in_history()
    {
        await using var test = await TestBroker.StartAsync();
        test.Broker.AddAlias(null, "ops");

        var result = await test.Broker.SendAsync(To("ops"));

        Assert.Equal(0, result.Recipients);
        using var late = test.Broker.Subscribe(new SubscriptionRequest { Since = DateTimeOffset.MinValue });
        Assert.Equal(result.Position, Assert.Single(Read.Available(late)).Position);
    }
}
