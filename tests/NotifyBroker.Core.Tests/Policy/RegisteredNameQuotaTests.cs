using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Policy;
using NotifyBroker.Core.Security;
using NotifyBroker.Core.Tests.TestSupport;
using static NotifyBroker.Core.Tests.Policy.PolicyHarness;

namespace NotifyBroker.Core.Tests.Policy;

/// <summary>Broadcast by registered_name takes atoms the whole session shares: bounded per identity, rate-limited, capped in all.</summary>
public sealed class RegisteredNameQuotaTests
{
    private static readonly Caller Alice = Key("alice", BrokerScopes.Broadcast);
    private static readonly Caller Bob = Key("bob", BrokerScopes.Broadcast);

    private static BrokerBroadcastRequest Named(string name, Caller? caller) => new() { RegisteredName = name, Caller = caller };

    private static async Task<BrokerException> OverLimitAsync(PolicyHarness test, BrokerBroadcastRequest request, string limit)
    {
        var atoms = test.AtomsUsed();
        var broadcasts = test.Desktop.BroadcastCount;

        var error = await Assert.ThrowsAsync<BrokerException>(() => test.Broker.BroadcastAsync(request).AsTask());

        Assert.Equal(Win32Error.ERROR_NOT_ENOUGH_QUOTA, error.Code);
        Assert.Equal(limit, error.Details["limit"]);
        Assert.Equal(atoms, test.AtomsUsed());
        Assert.Equal(broadcasts, test.Desktop.BroadcastCount);
        return error;
    }

    [Fact]
    public async Task An_identity_may_introduce_a_bounded_number_of_names()
    {
        await using var test = await StartAsync(o =>
        {
            o.Policy.MaxRegisteredNamesPerIdentity = 3;
            o.Policy.NewRegisteredNamesPerMinute = 100;
        });

        foreach (var name in new[] { "App.A", "App.B", "App.C" })
        {
            await test.Broker.BroadcastAsync(Named(name, Alice));
        }

        var error = await OverLimitAsync(test, Named("App.D", Alice), "max_registered_names_per_identity");
        Assert.Null(error.RetryAfter);

        // Names already registered cost nothing, in any case; another identity has a quota of its own.
        await test.Broker.BroadcastAsync(Named("APP.a", Alice));
        await test.Broker.BroadcastAsync(Named("App.D", Bob));
        await test.Broker.BroadcastAsync(Named("app.d", Alice));
        await OverLimitAsync(test, Named("App.E", Alice), "max_registered_names_per_identity");
    }

    [Fact]
    public async Task New_names_are_rate_limited_per_identity_on_the_brokers_clock()
    {
        await using var test = await StartAsync(o =>
        {
            o.Policy.MaxRegisteredNamesPerIdentity = 100;
            o.Policy.NewRegisteredNamesPerMinute = 2;
        });

        await test.Broker.BroadcastAsync(Named("Rate.1", Alice));
        await test.Broker.BroadcastAsync(Named("Rate.2", Alice));

        // Two a minute: the next token comes 30 seconds after the bucket ran dry.
        var error = await OverLimitAsync(test, Named("Rate.3", Alice), "new_registered_names_per_minute");
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);

        await test.Broker.BroadcastAsync(Named("Rate.1", Alice));
        await test.Broker.BroadcastAsync(Named("Rate.3", Bob));

        test.Clock.Advance(TimeSpan.FromSeconds(29));
        error = await OverLimitAsync(test, Named("Rate.4", Alice), "new_registered_names_per_minute");
        Assert.InRange(error.RetryAfter!.Value, TimeSpan.FromMilliseconds(999), TimeSpan.FromMilliseconds(1001));

        test.Clock.Advance(TimeSpan.FromSeconds(1));
        await test.Broker.BroadcastAsync(Named("Rate.4", Alice));
        await OverLimitAsync(test, Named("Rate.5", Alice), "new_registered_names_per_minute");

        // A long pause refills the bucket to its size, no further.
        test.Clock.Advance(TimeSpan.FromHours(1));
        await test.Broker.BroadcastAsync(Named("Rate.5", Alice));
        await test.Broker.BroadcastAsync(Named("Rate.6", Alice));
        await OverLimitAsync(test, Named("Rate.7", Alice), "new_registered_names_per_minute");
    }

    [Fact]
    public async Task Admins_are_bounded_only_by_the_brokers_total()
    {
        await using var test = await StartAsync(o =>
        {
            o.Policy.MaxRegisteredNamesPerIdentity = 1;
            o.Policy.NewRegisteredNamesPerMinute = 1;
            o.Policy.MaxRegisteredNames = 6;
        });

        for (var i = 0; i < 4; i++)
        {
            await test.Broker.BroadcastAsync(Named($"Admin.{i}", Admin));
        }

        await test.Broker.BroadcastAsync(Named("Operator.0", caller: null));
        await test.Broker.BroadcastAsync(Named("Alice.0", Alice));

        foreach (var caller in new[] { Admin, null, Bob })
        {
            var error = await OverLimitAsync(test, Named("One.Too.Many", caller), "max_registered_names");
            Assert.Null(error.RetryAfter);
        }

        await test.Broker.BroadcastAsync(Named("admin.0", Bob));
    }

    [Fact]
    public async Task Zero_means_a_non_admin_may_only_use_names_already_registered()
    {
        await using var test = await StartAsync(o => o.Policy.NewRegisteredNamesPerMinute = 0);
        await test.Broker.BroadcastAsync(Named("Known", caller: null));

        await test.Broker.BroadcastAsync(Named("KNOWN", Alice));
        var error = await OverLimitAsync(test, Named("Unknown", Alice), "new_registered_names_per_minute");
        Assert.Null(error.RetryAfter);
    }

    [Fact]
    public async Task A_registration_the_desktop_refuses_is_not_counted()
    {
        await using var test = await StartAsync(o =>
        {
            o.Policy.MaxRegisteredNamesPerIdentity = 1;
            o.Policy.MaxRegisteredNames = 1;
        });

        var error = await Assert.ThrowsAsync<BrokerException>(() => test.Broker.BroadcastAsync(Named(new string('x', 256), Alice)).AsTask());
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);

        await test.Broker.BroadcastAsync(Named(new string('x', 255), Alice));
    }

    [Fact]
    public void Tracking_is_bounded_by_the_total_however_many_identities_try()
    {
        var options = new BroadcastPolicyOptions { MaxRegisteredNames = 20, MaxRegisteredNamesPerIdentity = 5, NewRegisteredNamesPerMinute = 5 };
        var quota = new RegisteredNameQuota(options, new ManualTimeProvider());
        uint next = 0xC000;
        var refused = 0;

        for (var i = 0; i < 1000; i++)
        {
            var caller = Key($"stranger-{i}", BrokerScopes.Broadcast);
            for (var j = 0; j < 3; j++)
            {
                try
                {
                    quota.Register(caller, $"name-{i}-{j}", _ => next++);
                }
                catch (BrokerException error) when (error.Code == Win32Error.ERROR_NOT_ENOUGH_QUOTA)
                {
                    refused++;
                }
            }
        }

        Assert.Equal(20, quota.RegisteredCount);
        Assert.Equal(7, quota.TrackedIdentities);
        Assert.Equal(3000 - 20, refused);
        Assert.Equal(0xC000u + 20, next);
    }

    [Fact]
    public void A_failed_registration_leaves_no_trace()
    {
        var quota = new RegisteredNameQuota(new BroadcastPolicyOptions(), new ManualTimeProvider());

        Assert.Throws<BrokerException>(() => quota.Register(Alice, "boom", _ => throw new BrokerException(Win32Error.ERROR_NOT_ENOUGH_MEMORY, "full")));

        Assert.Equal(0, quota.RegisteredCount);
        Assert.Equal(0, quota.TrackedIdentities);
    }
}
