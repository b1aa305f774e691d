using Google.Protobuf;
using NotifyBroker.Cli.Tests.TestSupport;
using NotifyBroker.Contracts.V1;
using static NotifyBroker.Core.Desktop.BroadcastFlags;

namespace NotifyBroker.Cli.Tests.Commands;

public sealed class SubscribeCommandTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task The_tail_prints_a_broadcast_and_an_alias_message_and_on_Ctrl_C_the_last_position()
    {
        var alias = BrokerFixture.Unique("BOB");
        var name = BrokerFixture.Unique("NotifyBroker.Tail");
        await using var cli = NotifyRun.Start(broker.Address, "subscribe", "--alias", alias, "--message", name);
        var open = await cli.Out.WaitForLineAsync(l => l.Contains("  open  ", StringComparison.Ordinal), "the Open event");
        Assert.Contains(" live from ", open, StringComparison.Ordinal);

        await broker.Client.AddAliasAsync(alias);
        var sent = await broker.Client.SendAsync(alias, "hello\nworld", "ALICE");
        var broadcast = await broker.Client.BroadcastAsync(new BroadcastRequest { RegisteredName = name, Flags = BSF_POSTMESSAGE, Wparam = 7 });

        var aliasLine = await cli.Out.WaitForLineAsync(l => l.Contains("  alias  ", StringComparison.Ordinal), "the alias message");
        var windowLine = await cli.Out.WaitForLineAsync(l => l.Contains("  window  ", StringComparison.Ordinal), "the broadcast");
        var result = await cli.StopAsync();

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        var sentAt = Position(sent.Position);
        Assert.Contains($"  {sentAt}  alias      Message from ALICE to {alias} on ", aliasLine, StringComparison.Ordinal);
        Assert.EndsWith(": hello\\nworld", aliasLine, StringComparison.Ordinal);
        Assert.Contains($"\"{name}\" (0x{broadcast.MessageId:X4}) wParam=0x7 lParam=0x0 | Broadcast RPC BSF_POSTMESSAGE", windowLine, StringComparison.Ordinal);

        // The last position is the broadcast's: the line after the alias message's position.
        var last = windowLine.Split("  ")[1];
        Assert.Equal($"{sent.Position.Offset + 1}@{sent.Position.Epoch}", last);
        Assert.Equal($"notify: last position {last}; resume with --after {last} (and the same filters)", result.Error.Lines[^1]);
        Assert.Equal(3, result.Out.Lines.Count);
    }

    [Fact]
    public async Task With_json_every_line_is_a_notify_v1_Event_in_protobuf_JSON()
    {
        var alias = BrokerFixture.Unique("BOB");
        var name = BrokerFixture.Unique("NotifyBroker.Json");
        await using var cli = NotifyRun.Start(broker.Address, "--json", "subscribe", "--hold", alias, "-m", name);
        await cli.Out.WaitForLineAsync(l => l.Contains("\"open\"", StringComparison.Ordinal), "the Open event");

        var sent = await broker.Client.SendAsync(alias, "in json", "ALICE");
        await broker.Client.BroadcastAsync(new BroadcastRequest
        {
            RegisteredName = name,
            Flags = BSF_POSTMESSAGE,
            Lparam = -1,
        });
        await cli.Out.WaitForLineAsync(l => l.Contains("\"windowMessage\"", StringComparison.Ordinal), "the broadcast");
        var result = await cli.StopAsync();

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        var events = result.Out.Lines.Select(static l => JsonParser.Default.Parse<Event>(l)).ToList();
        Assert.Equal([Event.KindOneofCase.Open, Event.KindOneofCase.AliasMessage, Event.KindOneofCase.WindowMessage], events.Select(static e => e.KindCase));
        Assert.Equal(sent.Position, events[1].Position);
        Assert.Equal("in json", events[1].AliasMessage.Text);
        Assert.Equal(name, events[2].WindowMessage.RegisteredName);
        Assert.Equal(-1L, events[2].WindowMessage.Lparam);
    }

    [Fact]
    public async Task After_a_position_the_tail_prints_only_the_events_after_it_and_says_nothing_was_lost()
    {
        var alias = BrokerFixture.Unique("CAROL");
        await broker.Client.AddAliasAsync(alias);
        var first = await broker.Client.SendAsync(alias, "one");
        var second = await broker.Client.SendAsync(alias, "two");
        var third = await broker.Client.SendAsync(alias, "three");

        await using var cli = NotifyRun.Start(broker.Address, "subscribe", "--alias", alias, "--after", Position(first.Position));
        await cli.Out.WaitForLineAsync(l => l.EndsWith(": three", StringComparison.Ordinal), "the third message");
        var live = await broker.Client.SendAsync(alias, "four");
        await cli.Out.WaitForLineAsync(l => l.EndsWith(": four", StringComparison.Ordinal), "the live message");
        var result = await cli.StopAsync();

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        var lines = result.Out.Lines;
        Assert.Equal(4, lines.Count);
        Assert.Contains($"open       resumed after {Position(first.Position)} without a gap", lines[0], StringComparison.Ordinal);
        Assert.Contains($"  {Position(second.Position)}  alias ", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(": two", lines[1], StringComparison.Ordinal);
        Assert.Contains($"  {Position(third.Position)}  alias ", lines[2], StringComparison.Ordinal);
        Assert.EndsWith(": four", lines[3], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.EndsWith(": one", StringComparison.Ordinal));
        Assert.Contains($"last position {Position(live.Position)};", result.Error.Lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resume_the_broker_cannot_recover_is_shown_as_NOT_RECOVERED()
    {
        await using var cli = NotifyRun.Start(broker.Address, "subscribe", "--alias", BrokerFixture.Unique("NOBODY"), "--after", "5@00000000deadbeef");

        var open = await cli.Out.WaitForLineAsync(l => l.Contains("  open  ", StringComparison.Ordinal), "the Open event");
        var result = await cli.StopAsync();

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        Assert.Contains("NOT RECOVERED: the broker's history restarted (epoch 00000000deadbeef is gone", open, StringComparison.Ordinal);
        Assert.Contains("events in between are lost", open, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keepalives_are_hidden_unless_verbose()
    {
        var alias = BrokerFixture.Unique("QUIET");
        await using var quiet = NotifyRun.Start(broker.Address, "subscribe", "--alias", alias, "--keepalive", "50ms");
        await quiet.Out.WaitForLineAsync(l => l.Contains("  open  ", StringComparison.Ordinal), "the Open event");
        await using var verbose = NotifyRun.Start(broker.Address, "subscribe", "--alias", alias, "--keepalive", "50ms", "--verbose");
        await verbose.Out.WaitForLineAsync(l => l.Contains("  keepalive  ", StringComparison.Ordinal), "a keepalive");

        // The quiet tail opened first with the same interval, so its stream has carried keepalives by now too.
        await broker.Client.AddAliasAsync(alias);
        await broker.Client.SendAsync(alias, "marker");
        await quiet.Out.WaitForLineAsync(l => l.EndsWith(": marker", StringComparison.Ordinal), "the marker");
        var result = await quiet.StopAsync();

        Assert.Equal(2, result.Out.Lines.Count);
        Assert.DoesNotContain(result.Out.Lines, l => l.Contains("  keepalive  ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tail_that_cannot_connect_at_all_exits_4_instead_of_retrying_forever()
    {
        await using var cli = NotifyRun.Start(ClosedPort.Address(), "subscribe");

        var result = await cli.CompletionAsync();

        Assert.True(result.ExitCode == ExitCodes.Unavailable, result.ToString());
        Assert.StartsWith("notify: cannot reach the broker at http://127.0.0.1:", result.Error.Lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_and_since_together_are_a_usage_error()
    {
        var run = await NotifyRun.RunAsync(broker.Address, "subscribe", "--after", "1@ab", "--since", "5m");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains(run.Error.Lines, l => l.Contains("--after and --since", StringComparison.Ordinal));
    }

    private static string Position(Position position) => $"{position.Offset}@{position.Epoch}";
}
