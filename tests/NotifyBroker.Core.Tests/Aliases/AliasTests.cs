using NotifyBroker.Core.Aliases;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Core.Tests.TestSupport;

namespace NotifyBroker.Core.Tests.Aliases;

/// <summary>AddAlias/DeleteAlias/ListAliases with NetMessageNameAdd/Del/Enum semantics.</summary>
public class AliasTests
{
    [Fact]
    public async Task Adding_a_registered_alias_again_in_any_case_is_NERR_AlreadyExists()
    {
        await using var test = await TestBroker.StartAsync();
        test.Broker.AddAlias(null, "Ops");

        var error = Assert.Throws<BrokerException>(() => test.Broker.AddAlias(null, "OPS"));
        Assert.Equal(Win32Error.NERR_AlreadyExists, error.Code);
    }

    [Fact]
    public async Task Deleting_an_unknown_alias_is_NERR_NameNotFound()
    {
        await using var test = await TestBroker.StartAsync();

        var error = Assert.Throws<BrokerException>(() => test.Broker.DeleteAlias(null, "nobody"));
        Assert.Equal(Win32Error.NERR_NameNotFound, error.Code);
    }

    [Fact]
    public async Task Only_a_registered_alias_can_be_deleted_and_only_once()
    {
        await using var test = await TestBroker.StartAsync();
        using var holder = test.Broker.Subscribe(new SubscriptionRequest { HoldAliases = ["held"] });
        test.Broker.AddAlias(null, "ops");

        Assert.Equal(Win32Error.NERR_NameNotFound, Assert.Throws<BrokerException>(() => test.Broker.DeleteAlias(null, "held")).Code);
        test.Broker.DeleteAlias(null, "OPS");
        Assert.Equal(Win32Error.NERR_NameNotFound, Assert.Throws<BrokerException>(() => test.Broker.DeleteAlias(null, "ops")).Code);
    }

    [Fact]
    public async Task List_reports_name_registration_and_holders()
    {
        await using var test = await TestBroker.StartAsync();
        test.Broker.AddAlias(null, "Ops");
        test.Broker.AddAlias(null, "audit");
        using var first = test.Broker.Subscribe(new SubscriptionRequest { HoldAliases = ["ops", "pager"] });
        using var second = test.Broker.Subscribe(new SubscriptionRequest { HoldAliases = ["PAGER"] });

        Assert.Equal(
            [new AliasEntry("audit", true, 0, "operator"), new AliasEntry("Ops", true, 1, "operator"), new AliasEntry("pager", false, 2, "operator")],
            test.Broker.ListAliases(null));
    }

    [Fact]
    public async Task Held_aliases_are_released_when_the_subscription_is_disposed()
    {
        await using var test = await TestBroker.StartAsync();
        test.Broker.AddAlias(null, "ops");
        var subscription = test.Broker.Subscribe(new SubscriptionRequest { HoldAliases = ["ops", "pager", "Pager"] });

        subscription.Dispose();
        subscription.Dispose();

        Assert.Equal([new AliasEntry("ops", true, 0, "operator")], test.Broker.ListAliases(null));
    }

    [Fact]
    public async Task A_deleted_alias_that_is_still_held_stays_until_its_holder_leaves()
    {
        await using var test = await TestBroker.StartAsync();
        test.Broker.AddAlias(null, "ops");
        var holder = test.Broker.Subscribe(new SubscriptionRequest { HoldAliases = ["ops"] });

        test.Broker.DeleteAlias(null, "ops");
        Assert.Equal([new AliasEntry("ops", false, 1, "operator")], test.Broker.ListAliases(null));

        holder.Dispose();
        Assert.Empty(test.Broker.ListAliases(null));
    }

    [Fact]
    public async Task Alias_calls_check_the_servername()
    {
        await using var test = await TestBroker.StartAsync();

        Assert.Equal(Win32Error.NERR_InvalidComputer, Assert.Throws<BrokerException>(() => test.Broker.AddAlias("elsewhere", "ops")).Code);
        Assert.Equal(Win32Error.NERR_InvalidComputer, Assert.Throws<BrokerException>(() => test.Broker.DeleteAlias("elsewhere", "ops")).Code);
        Assert.Equal(Win32Error.NERR_InvalidComputer, Assert.Throws<BrokerException>(() => test.Broker.ListAliases("elsewhere")).Code);
        test.Broker.AddAlias(TestBroker.HostName.ToLowerInvariant(), "ops");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("bad\nname")]
    public async Task An_empty_or_unprintable_alias_is_an_invalid_parameter(string name)
    {
        await using var test = await TestBroker.StartAsync();

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, Assert.Throws<BrokerException>(() => test.Broker.AddAlias(null, name)).Code);
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER,
            Assert.Throws<BrokerException>(() => test.Broker.Subscribe(new SubscriptionRequest { HoldAliases = [name] })).Code);
    }

    [Fact]
    public async Task The_table_is_bounded()
    {
        await using var test = await TestBroker.StartAsync(o => o.MaxAliases = 2);
        test.Broker.AddAlias(null, "a");
        test.Broker.AddAlias(null, "b");

        Assert.Equal(Win32Error.NERR_TooManyNames, Assert.Throws<BrokerException>(() => test.Broker.AddAlias(null, "c")).Code);
        Assert.Equal(Win32Error.NERR_TooManyNames,
            Assert.Throws<BrokerException>(() => test.Broker.Subscribe(new SubscriptionRequest { HoldAliases = ["c"] })).Code);

        // A refused subscription holds nothing.
        Assert.Equal(2, test.Broker.ListAliases(null).Count);
        using var holdsExisting = test.Broker.Subscribe(new SubscriptionRequest { HoldAliases = ["A"] });
    }
}
