using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Core.Tests.TestSupport;

namespace NotifyBroker.Core.Tests.Subscriptions;

/// <summary>Which events a subscription's filter passes, and which requests are refused.</summary>
public class FilterTests
{
    private static WindowMessageBody Registered(uint id, string name) => Bodies.Window(id) with { RegisteredName = name };

    [Fact]
    public void No_filter_passes_everything()
    {
        Assert.True(EventFilter.All.IsEmpty);
        Assert.True(EventFilter.All.Matches(Bodies.Window(1)));
        Assert.True(EventFilter.All.Matches(Bodies.Alias("x")));
    }

    [Fact]
    public void Ids_ranges_names_and_aliases_each_pass_their_events()
    {
        var filter = new EventFilter([0x1A], [new MessageRange(0x400, 0x4FF)], ["NotifyBroker.Event"], ["ops"]);

        Assert.True(filter.Matches(Bodies.Window(0x1A)));
        Assert.True(filter.Matches(Bodies.Window(0x400)));
        Assert.True(filter.Matches(Bodies.Window(0x4FF)));
        Assert.True(filter.Matches(Registered(0xC010, "notifybroker.EVENT")));
        Assert.True(filter.Matches(Bodies.Alias("OPS")));

        Assert.False(filter.Matches(Bodies.Window(0x500)));
        Assert.False(filter.Matches(Registered(0xC011, "Other")));
        Assert.False(filter.Matches(Bodies.Alias("dev")));
    }

    [Fact]
    public void A_message_filter_does_not_pass_alias_messages_and_an_alias_filter_no_window_messages()
    {
        Assert.False(new EventFilter(messageIds: [1]).Matches(Bodies.Alias("ops")));
        Assert.False(new EventFilter(aliases: ["ops"]).Matches(Bodies.Window(1)));
    }

    [Fact]
    public async Task A_registered_name_filter_matches_the_listeners_events_by_name()
    {
        await using var test = await TestBroker.StartAsync();
        using var subscription = test.Broker.Subscribe(new SubscriptionRequest { RegisteredNames = ["notifybroker.ping"] });

        await test.Broker.BroadcastAsync(new() { RegisteredName = "NotifyBroker.Ping" });
        await test.Broker.BroadcastAsync(new() { RegisteredName = "NotifyBroker.Other" });

        var received = Assert.Single(Read.Available(subscription));
        Assert.Equal("NotifyBroker.Ping", Read.Window(received).RegisteredName);
    }

    public static TheoryData<SubscriptionRequest> InvalidRequests => new()
    {
        new SubscriptionRequest { MessageRanges = [new MessageRange(5, 4)] },
        new SubscriptionRequest { MessageIds = [0x10000] },
        new SubscriptionRequest { RegisteredNames = [""] },
        new SubscriptionRequest { Aliases = [" "] },
        new SubscriptionRequest { After = new StreamPosition(0, "x"), Since = DateTimeOffset.UnixEpoch },
        new SubscriptionRequest { MessageIds = [.. Enumerable.Range(0, 257).Select(i => (uint)i)] },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task Invalid_requests_are_refused_with_an_invalid_parameter(SubscriptionRequest request)
    {
        await using var test = await TestBroker.StartAsync();

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, Assert.Throws<BrokerException>(() => test.Broker.Subscribe(request)).Code);
    }
}
