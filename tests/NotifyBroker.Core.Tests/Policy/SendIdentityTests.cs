using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Policy;
using NotifyBroker.Core.Security;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Core.Tests.TestSupport;

namespace NotifyBroker.Core.Tests.Policy;

/// <summary>Send for a caller: from_name is who sends unless the key may name another sender; every string is bounded.</summary>
public sealed class SendIdentityTests
{
    private static readonly Caller Alice = PolicyHarness.Key("alice", BrokerScopes.Send);
    private static readonly Caller Relay = PolicyHarness.Key("relay", BrokerScopes.Send, BrokerScopes.FromName);

    private static BrokerSendRequest To(string alias, Caller? caller, string fromName = "", string text = "hello") =>
        new() { MsgName = alias, Text = text, FromName = fromName, Caller = caller };

    private static async Task<BrokerException> RefusedAsync(Broker broker, BrokerSendRequest request) =>
        await Assert.ThrowsAsync<BrokerException>(() => broker.SendAsync(request).AsTask());

    private static async Task<string> FromNameSeenAsync(TestBroker test, BrokerSendRequest request)
    {
        using var subscription = test.Broker.Subscribe(new SubscriptionRequest { Aliases = [request.MsgName!] });
        await test.Broker.SendAsync(request);
        return Read.Alias(Assert.Single(Read.Available(subscription))).FromName;
    }

    [Fact]
    public async Task An_empty_from_name_is_the_callers_own_name()
    {
        await using var test = await TestBroker.StartAsync();
        test.Broker.AddAlias(null, "ops");
        var nameless = new Caller("key:k-42", "", [BrokerScopes.Send]);

        Assert.Equal("alice", await FromNameSeenAsync(test, To("ops", Alice)));
        Assert.Equal("relay", await FromNameSeenAsync(test, To("ops", Relay)));
        Assert.Equal("admin", await FromNameSeenAsync(test, To("ops", PolicyHarness.Admin)));
        Assert.Equal("key:k-42", await FromNameSeenAsync(test, To("ops", nameless)));
        Assert.Equal(TestBroker.HostName, await FromNameSeenAsync(test, To("ops", caller: null)));
    }

    [Fact]
    public async Task A_caller_may_give_its_own_name()
    {
        await using var test = await TestBroker.StartAsync();
        test.Broker.AddAlias(null, "ops");

        Assert.Equal("alice", await FromNameSeenAsync(test, To("ops", Alice, "alice")));
    }

    [Theory]
    [InlineData("bob")]
    [InlineData("ALICE")]
    [InlineData(TestBroker.HostName)]
    public async Task Another_sender_needs_the_from_name_scope(string fromName)
    {
        await using var test = await TestBroker.StartAsync();
        test.Broker.AddAlias(null, "ops");
        using var subscription = test.Broker.Subscribe(new SubscriptionRequest { Aliases = ["ops"] });

        var error = await RefusedAsync(test.Broker, To("ops", Alice, fromName));

        Assert.Equal(Win32Error.ERROR_ACCESS_DENIED, error.Code);
        Assert.Equal(BrokerScopes.FromName, error.Details["scope"]);
        Assert.Empty(Read.Available(subscription));

        Assert.Equal(fromName, await FromNameSeenAsync(test, To("ops", Relay, fromName)));
        Assert.Equal(fromName, await FromNameSeenAsync(test, To("ops", PolicyHarness.Admin, fromName)));
        Assert.Equal(fromName, await FromNameSeenAsync(test, To("ops", caller: null, fromName)));
    }

    [Fact]
    public async Task Send_needs_the_send_scope()
    {
        await using var test = await TestBroker.StartAsync();
        test.Broker.AddAlias(null, "ops");

        var error = await RefusedAsync(test.Broker, To("ops", PolicyHarness.Broadcaster));

        Assert.Equal(Win32Error.ERROR_ACCESS_DENIED, error.Code);
        Assert.Equal(BrokerScopes.Send, error.Details["scope"]);
    }

    [Theory]
    [InlineData("from_name", "max_from_name_length")]
    [InlineData("title", "max_title_length")]
    [InlineData("text", "max_text_length")]
    public async Task Each_string_has_its_bound(string field, string limit)
    {
        await using var test = await TestBroker.StartAsync(o =>
        {
            o.MaxFromNameLength = 10;
            o.MaxTitleLength = 20;
            o.MaxTextLength = 30;
        });
        test.Broker.AddAlias(null, "ops");
        var bound = field switch { "from_name" => 10, "title" => 20, _ => 30 };
        BrokerSendRequest With(int length) => field switch
        {
            "from_name" => To("ops", null, fromName: new string('f', length)),
            "title" => To("ops", null) with { Title = new string('t', length) },
            _ => To("ops", null, text: new string('x', length)),
        };

        await test.Broker.SendAsync(With(bound));
        var error = await RefusedAsync(test.Broker, With(bound + 1));

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
        Assert.Equal(field, error.Details["field"]);
        Assert.Equal(limit, error.Details["limit"]);
        Assert.Equal(bound.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Details["max_length"]);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_bounds_are_256_for_from_name_and_title_and_the_alias()
    {
        await using var test = await TestBroker.StartAsync();
        test.Broker.AddAlias(null, "ops");

        await test.Broker.SendAsync(To("ops", null, fromName: new string('f', 256)) with { Title = new string('t', 256) });

        Assert.Equal("from_name", (await RefusedAsync(test.Broker, To("ops", null, fromName: new string('f', 257)))).Details["field"]);
        Assert.Equal("title", (await RefusedAsync(test.Broker, To("ops", null) with { Title = new string('t', 257) })).Details["field"]);
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, (await RefusedAsync(test.Broker, To(new string('a', 257), null))).Code);
    }

    [Fact]
    public async Task A_forged_four_megabyte_from_name_is_refused_before_anything_is_kept()
    {
        await using var test = await TestBroker.StartAsync();
        test.Broker.AddAlias(null, "ops");
        var before = test.Broker.CurrentPosition;

        var error = await RefusedAsync(test.Broker, To("ops", null, fromName: new string('f', 4_000_000)));

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
        Assert.Equal(before, test.Broker.CurrentPosition);
    }

    [Fact]
    public async Task The_whole_alias_event_must_fit_MaxEventBytes()
    {
        // Each string within its own bound, the event too big: the text limit is raised past what an event may hold.
        await using var test = await TestBroker.StartAsync(o =>
        {
            o.MaxTextLength = 10_000;
            o.MaxEventBytes = 4096;
        });
        test.Broker.AddAlias(null, "ops");
        // from_name (the host name, for the operator), the alias and the broker's name.
        var fixedPart = RequestSize.FixedOverhead + TestBroker.HostName.Length + "ops".Length + TestBroker.HostName.Length;
        var fits = new string('x', 4096 - fixedPart);

        await test.Broker.SendAsync(To("ops", null, text: fits));
        var error = await RefusedAsync(test.Broker, To("ops", null, text: fits + "x"));
        var wide = await RefusedAsync(test.Broker, To("ops", null, text: new string('é', (4096 - fixedPart) / 2 + 1)));

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
        Assert.Equal("max_event_bytes", error.Details["limit"]);
        Assert.Equal("4096", error.Details["max_bytes"]);
        Assert.Equal("max_event_bytes", wide.Details["limit"]);
    }
}
