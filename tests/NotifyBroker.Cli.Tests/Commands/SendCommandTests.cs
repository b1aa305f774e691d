using System.Text.Json;
using NotifyBroker.Cli.Tests.TestSupport;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Cli.Tests.Commands;

public sealed class SendCommandTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task Send_to_a_held_alias_delivers_the_words_as_one_text_and_confirms_like_NET_SEND()
    {
        var alias = BrokerFixture.Unique("BOB");
        await using var holder = await SdkTail.OpenAsync(broker.Client, new SubscribeRequest { HoldAliases = { alias } });

        var run = await NotifyRun.RunAsync(broker.Address, "send", alias, "lunch", "is", "here", "--from", "ALICE", "--deadline", "30s");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal([$"Message sent to {alias} (1 recipient)."], run.Out.Lines);
        Assert.Empty(run.Error.Lines);
        var received = (await holder.NextMessageAsync()).AliasMessage;
        Assert.Equal(alias, received.Alias);
        Assert.Equal("ALICE", received.FromName);
        Assert.Equal("lunch is here", received.Text);
    }

    [Fact]
    public async Task Send_to_an_unknown_alias_exits_2_with_NERR_NameNotFound_and_the_gRPC_status()
    {
        var run = await NotifyRun.RunAsync(broker.Address, "send", BrokerFixture.Unique("NOBODY"), "hello");

        Assert.True(run.ExitCode == ExitCodes.RpcError, run.ToString());
        Assert.Empty(run.Out.Lines);
        var error = Assert.Single(run.Error.Lines);
        Assert.StartsWith("notify: error 2273 (NERR_NameNotFound): The message alias could not be found on the network.", error, StringComparison.Ordinal);
        Assert.Contains("[gRPC NOT_FOUND", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_to_another_server_exits_2_with_NERR_InvalidComputer()
    {
        var alias = BrokerFixture.Unique("BOB");
        await broker.Client.AddAliasAsync(alias);

        var run = await NotifyRun.RunAsync(broker.Address, "send", alias, "hello", "--server", "SOMEWHERE-ELSE");

        Assert.True(run.ExitCode == ExitCodes.RpcError, run.ToString());
        Assert.StartsWith("notify: error 2351 (NERR_InvalidComputer)", Assert.Single(run.Error.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_with_json_prints_the_reply_as_one_protobuf_JSON_object()
    {
        var alias = BrokerFixture.Unique("BOB");
        await using var holder = await SdkTail.OpenAsync(broker.Client, new SubscribeRequest { HoldAliases = { alias } });

        var run = await NotifyRun.RunAsync(broker.Address, "--json", "send", alias, "hi");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        using var reply = JsonDocument.Parse(Assert.Single(run.Out.Lines));
        Assert.Equal(1, reply.RootElement.GetProperty("recipients").GetInt32());
        Assert.Equal("SEND_PATH_ALIAS", reply.RootElement.GetProperty("path").GetString());
        var delivered = await holder.NextMessageAsync();
        Assert.Equal(delivered.Position.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture),
            reply.RootElement.GetProperty("position").GetProperty("offset").GetString());
    }

    [Fact]
    public async Task A_message_text_that_starts_with_at_is_sent_as_text_not_read_as_a_response_file()
    {
        var alias = BrokerFixture.Unique("BOB");
        await using var holder = await SdkTail.OpenAsync(broker.Client, new SubscribeRequest { HoldAliases = { alias } });

        var run = await NotifyRun.RunAsync(broker.Address, "send", alias, "@all", "standup");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal("@all standup", (await holder.NextMessageAsync()).AliasMessage.Text);
    }
}
