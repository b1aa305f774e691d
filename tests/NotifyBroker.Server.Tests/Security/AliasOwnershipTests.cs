using Grpc.Core;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Security;
using NotifyBroker.Server.Tests.TestSupport;
using static NotifyBroker.Server.Tests.Security.SecurityTestSupport;

namespace NotifyBroker.Server.Tests.Security;

/// <summary>Aliases belong to the identity that added or holds them.</summary>
public sealed class AliasOwnershipTests
{
    [Fact]
    public async Task Another_identity_may_not_delete_hold_filter_or_see_an_alias_but_an_admin_may_delete_it()
    {
        await using var host = await BrokerTestHost.StartAsync();
        var (aliceChannel, alice) = ClientWith(host, await CreateKeyAsync(host, "alice", BrokerScopes.Aliases, BrokerScopes.Subscribe, BrokerScopes.Send));
        var (bobChannel, bob) = ClientWith(host, await CreateKeyAsync(host, "bob", BrokerScopes.Aliases, BrokerScopes.Subscribe, BrokerScopes.Send));
        using var _ = aliceChannel;
        using var __ = bobChannel;
        await alice.AddAliasAsync(new AddAliasRequest { Name = "alice-desk" });

        var delete = await FailsWithAsync(StatusCode.PermissionDenied, async () => await bob.DeleteAliasAsync(new DeleteAliasRequest { Name = "ALICE-DESK" }));
        var hold = await FailsWithAsync(StatusCode.PermissionDenied, () => FirstEventAsync(bob, new SubscribeRequest { HoldAliases = { "alice-desk" } }));
        var filter = await FailsWithAsync(StatusCode.PermissionDenied, () => FirstEventAsync(bob, new SubscribeRequest { Aliases = { "alice-desk" } }));
        var squat = await FailsWithAsync(StatusCode.AlreadyExists, async () => await bob.AddAliasAsync(new AddAliasRequest { Name = "alice-desk" }));

        Assert.All([delete, hold, filter], info => Assert.Equal("alias_owner", info.Metadata["rule"]));
        Assert.Equal("NERR_AlreadyExists", squat.Reason);
        Assert.Empty((await bob.ListAliasesAsync(new ListAliasesRequest())).Aliases);
        var mine = Assert.Single((await alice.ListAliasesAsync(new ListAliasesRequest())).Aliases);
        Assert.Equal("key:", mine.Owner[..4]);

        await host.Client.DeleteAliasAsync("alice-desk");
        Assert.Empty((await host.Client.ListAliasesAsync()));
    }

    [Fact]
    public async Task A_Send_to_an_alias_reaches_only_its_owners_streams_even_unfiltered_ones()
    {
        await using var host = await BrokerTestHost.StartAsync();
        var (aliceChannel, alice) = ClientWith(host, await CreateKeyAsync(host, "alice", BrokerScopes.Aliases, BrokerScopes.Subscribe));
        var (bobChannel, bob) = ClientWith(host, await CreateKeyAsync(host, "bob", BrokerScopes.Aliases, BrokerScopes.Subscribe));
        using var _ = aliceChannel;
        using var __ = bobChannel;
        using var aliceStream = Streams.Subscribe(alice, new SubscribeRequest { HoldAliases = { "alice-desk" } });
        await aliceStream.OpenAsync();
        using var bobStream = Streams.Subscribe(bob, new SubscribeRequest());
        await bobStream.OpenAsync();

        var reply = await host.Client.SendAsync("alice-desk", "for alice");
        await bob.AddAliasAsync(new AddAliasRequest { Name = "bob-desk" });
        await host.Client.SendAsync("bob-desk", "for bob");

        Assert.Equal(1u, reply.Recipients);
        Assert.Equal("for alice", (await aliceStream.NextMessageAsync()).AliasMessage.Text);
        // Bob's next message is his own; Alice's never reached him.
        Assert.Equal("for bob", (await bobStream.NextMessageAsync()).AliasMessage.Text);
    }

    [Fact]
    public async Task Each_identity_owns_at_most_its_quota_of_aliases()
    {
        await using var host = await BrokerTestHost.StartAsync("Broker:MaxAliasesPerIdentity=2");
        var (channel, client) = ClientWith(host, await CreateKeyAsync(host, "greedy", BrokerScopes.Aliases));
        using var _ = channel;
        await client.AddAliasAsync(new AddAliasRequest { Name = "one" });
        await client.AddAliasAsync(new AddAliasRequest { Name = "two" });

        var info = await FailsWithAsync(StatusCode.ResourceExhausted, async () => await client.AddAliasAsync(new AddAliasRequest { Name = "three" }));

        Assert.Equal("ERROR_NOT_ENOUGH_QUOTA", info.Reason);
        Assert.Equal("aliases_per_identity", info.Metadata["limit"]);
        await host.Client.AddAliasAsync("the-admin-is-not-bounded-by-it");
    }
}
