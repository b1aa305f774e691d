using System.Text.Json;
using NotifyBroker.Cli.Tests.TestSupport;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Cli.Tests.Commands;

public sealed class AliasCommandTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task Alias_add_list_and_del_register_show_and_remove_the_alias()
    {
        var alias = BrokerFixture.Unique("CAROL");

        var added = await NotifyRun.RunAsync(broker.Address, "alias", "add", alias);
        Assert.True(added.ExitCode == ExitCodes.Ok, added.ToString());
        Assert.Equal([$"Alias {alias} added."], added.Out.Lines);

        var listed = await NotifyRun.RunAsync(broker.Address, "alias", "list");
        Assert.True(listed.ExitCode == ExitCodes.Ok, listed.ToString());
        var row = Assert.Single(listed.Out.Lines, l => l.StartsWith(alias + " ", StringComparison.Ordinal));
        Assert.Equal([alias, "yes", "0"], row.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        var deleted = await NotifyRun.RunAsync(broker.Address, "alias", "del", alias);
        Assert.True(deleted.ExitCode == ExitCodes.Ok, deleted.ToString());
        Assert.Equal([$"Alias {alias} deleted."], deleted.Out.Lines);

        var after = await NotifyRun.RunAsync(broker.Address, "alias", "list");
        Assert.DoesNotContain(after.Out.Lines, l => l.StartsWith(alias + " ", StringComparison.Ordinal));
        Assert.DoesNotContain(await broker.Client.ListAliasesAsync(), a => a.Name == alias);
    }

    [Fact]
    public async Task Alias_list_shows_aliases_held_by_a_subscription_with_their_holders()
    {
        var alias = BrokerFixture.Unique("HELD");
        await using var holder = await SdkTail.OpenAsync(broker.Client, new SubscribeRequest { HoldAliases = { alias } });

        var listed = await NotifyRun.RunAsync(broker.Address, "--json", "alias", "list");

        Assert.True(listed.ExitCode == ExitCodes.Ok, listed.ToString());
        using var reply = JsonDocument.Parse(Assert.Single(listed.Out.Lines));
        var entry = reply.RootElement.GetProperty("aliases").EnumerateArray().Single(a => a.GetProperty("name").GetString() == alias);
        Assert.False(entry.GetProperty("registered").GetBoolean());
        Assert.Equal(1, entry.GetProperty("holders").GetInt32());
    }

    [Fact]
    public async Task Adding_an_alias_twice_exits_2_with_NERR_AlreadyExists()
    {
        var alias = BrokerFixture.Unique("TWICE");
        Assert.Equal(ExitCodes.Ok, (await NotifyRun.RunAsync(broker.Address, "alias", "add", alias)).ExitCode);

        var again = await NotifyRun.RunAsync(broker.Address, "alias", "add", alias);

        Assert.True(again.ExitCode == ExitCodes.RpcError, again.ToString());
        Assert.StartsWith("notify: error 2276 (NERR_AlreadyExists): This message alias already exists locally.", Assert.Single(again.Error.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_an_unknown_alias_exits_2_with_NERR_NameNotFound()
    {
        var run = await NotifyRun.RunAsync(broker.Address, "alias", "delete", BrokerFixture.Unique("GHOST"));

        Assert.True(run.ExitCode == ExitCodes.RpcError, run.ToString());
        Assert.Contains("error 2273 (NERR_NameNotFound)", Assert.Single(run.Error.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alias_commands_pass_the_server_name_which_the_broker_refuses_when_it_is_another_server()
    {
        var run = await NotifyRun.RunAsync(broker.Address, "alias", "add", BrokerFixture.Unique("REMOTE"), "--server", "ELSEWHERE");

        Assert.True(run.ExitCode == ExitCodes.RpcError, run.ToString());
        Assert.Contains("error 2351 (NERR_InvalidComputer)", Assert.Single(run.Error.Lines), StringComparison.Ordinal);
    }
}
