using Grpc.Core;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Security;
using NotifyBroker.Server.Tests.TestSupport;
using static NotifyBroker.Server.Tests.Security.SecurityTestSupport;

namespace NotifyBroker.Server.Tests.Security;

/// <summary>Each RPC needs its scope; a missing one is PERMISSION_DENIED with ErrorInfo naming it.</summary>
public sealed class ScopeTests
{
    [Fact]
    public async Task A_send_only_key_may_send_but_Broadcast_is_PERMISSION_DENIED_naming_notify_broadcast()
    {
        await using var host = await BrokerTestHost.StartAsync();
        await host.Client.AddAliasAsync("ops");
        var (channel, sender) = ClientWith(host, await CreateKeyAsync(host, "sender", BrokerScopes.Send));
        using var _ = channel;

        await sender.SendAsync(new SendRequest { MsgName = "ops", Text = "deploy done" });
        var info = await FailsWithAsync(StatusCode.PermissionDenied, async () => await sender.BroadcastAsync(new BroadcastRequest { MessageId = 0xC100 }));

        Assert.Equal("SCOPE_REQUIRED", info.Reason);
        Assert.Equal(BrokerScopes.Broadcast, info.Metadata["scope"]);
    }

    [Theory]
    [InlineData("AddAlias", BrokerScopes.Aliases)]
    [InlineData("ListAliases", BrokerScopes.Aliases)]
    [InlineData("ListServers", BrokerScopes.Aliases)]
    [InlineData("Send", BrokerScopes.Send)]
    public async Task Each_call_names_the_scope_it_needs(string method, string scope)
    {
        await using var host = await BrokerTestHost.StartAsync();
        var (channel, client) = ClientWith(host, await CreateKeyAsync(host, "watcher", BrokerScopes.Subscribe));
        using var _ = channel;

        var info = await FailsWithAsync(StatusCode.PermissionDenied, () => method switch
        {
            "AddAlias" => client.AddAliasAsync(new AddAliasRequest { Name = "mine" }).ResponseAsync,
            "ListAliases" => client.ListAliasesAsync(new ListAliasesRequest()).ResponseAsync,
            "ListServers" => client.ListServersAsync(new ListServersRequest()).ResponseAsync,
            _ => client.SendAsync(new SendRequest { MsgName = "ops", Text = "x" }).ResponseAsync,
        });

        Assert.Equal(scope, info.Metadata["scope"]);
    }

    [Fact]
    public async Task Subscribe_needs_notify_subscribe_or_notify_aliases()
    {
        await using var host = await BrokerTestHost.StartAsync();
        var (channel, sender) = ClientWith(host, await CreateKeyAsync(host, "sender", BrokerScopes.Send));
        using var _ = channel;

        var info = await FailsWithAsync(StatusCode.PermissionDenied, () => FirstEventAsync(sender, new SubscribeRequest()));

        Assert.Equal("SCOPE_REQUIRED", info.Reason);
        Assert.Equal("notify:subscribe or notify:aliases", info.Metadata["scope"]);
    }

    [Fact]
    public async Task Window_messages_need_notify_subscribe_and_an_aliases_key_sees_only_its_own_aliases()
    {
        await using var host = await BrokerTestHost.StartAsync();
        var (channel, aliasesOnly) = ClientWith(host, await CreateKeyAsync(host, "pager", BrokerScopes.Aliases));
        using var _ = channel;

        var info = await FailsWithAsync(StatusCode.PermissionDenied, () => FirstEventAsync(aliasesOnly, new SubscribeRequest { MessageIds = { 0xC100 } }));
        Assert.Equal(BrokerScopes.Subscribe, info.Metadata["scope"]);

        // Unfiltered, it hears its own alias but neither broadcasts nor the admin's alias.
        await host.Client.AddAliasAsync("admins-alias");
        using var stream = Streams.Subscribe(aliasesOnly, new SubscribeRequest { HoldAliases = { "pager-alias" } });
        await stream.OpenAsync();
        using var unfiltered = Streams.Subscribe(aliasesOnly, new SubscribeRequest());
        await unfiltered.OpenAsync();
        await host.Client.BroadcastAsync(new BroadcastRequest { MessageId = 0xC100, Flags = 0x1 });
        await host.Client.SendAsync("admins-alias", "not for the pager");
        var toPager = await host.Client.SendAsync("pager-alias", "for the pager");

        Assert.Equal(2u, toPager.Recipients);
        Assert.Equal("for the pager", (await stream.NextMessageAsync()).AliasMessage.Text);
        Assert.Equal("for the pager", (await unfiltered.NextMessageAsync()).AliasMessage.Text);
    }
}
