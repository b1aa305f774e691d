using System.Text.Json;
using NotifyBroker.Cli.Tests.TestSupport;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Desktop;
using static NotifyBroker.Core.Desktop.BroadcastFlags;
using static NotifyBroker.Core.Desktop.BroadcastRecipients;

namespace NotifyBroker.Cli.Tests.Commands;

public sealed class BroadcastCommandTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task Broadcast_of_a_registered_name_with_flag_names_arrives_with_those_flags_and_parameters()
    {
        var name = BrokerFixture.Unique("NotifyBroker.CliTour");
        await using var tail = await SdkTail.OpenAsync(broker.Client, new SubscribeRequest { RegisteredNames = { name } });

        var run = await NotifyRun.RunAsync(broker.Address,
            "broadcast", name, "--flags", "bsf_postmessage,NoHang", "--recipients", "applications", "--wparam", "0x10", "--lparam", "-5");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var received = (await tail.NextMessageAsync()).WindowMessage;
        Assert.Equal(name, received.RegisteredName);
        Assert.Equal(BSF_POSTMESSAGE | BSF_NOHANG, received.BroadcastFlags);
        Assert.Equal(0x10ul, received.Wparam);
        Assert.Equal(-5L, received.Lparam);
        Assert.Equal($"Broadcast \"{name}\" (0x{received.Id:X4})", run.Out.Lines[0]);
        Assert.Contains("  result:     1", run.Out.Lines);
        Assert.Contains("  recipients: BSM_APPLICATIONS (0x8)", run.Out.Lines);
        Assert.Contains($"  message id: 0x{received.Id:X4} ({received.Id})", run.Out.Lines);
        Assert.Single(run.Out.Lines, l => l.StartsWith("  delivered:  ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_flag_name_is_a_usage_error_and_nothing_is_broadcast()
    {
        var name = BrokerFixture.Unique("NotifyBroker.NeverSent");
        var marker = BrokerFixture.Unique("NotifyBroker.Marker");
        await using var tail = await SdkTail.OpenAsync(broker.Client, new SubscribeRequest { RegisteredNames = { name, marker } });

        var run = await NotifyRun.RunAsync(broker.Address, "broadcast", name, "--flags", "postmessage,frobnicate");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Empty(run.Out.Lines);
        Assert.Contains(run.Error.Lines, l => l.Contains("Unknown BSF_* name 'frobnicate'", StringComparison.Ordinal));
        Assert.Equal("Run 'notify broadcast --help' for usage.", run.Error.Lines[^1]);

        // Events arrive in order: had the refused command broadcast anything, it would come before the marker.
        await broker.Client.BroadcastAsync(new BroadcastRequest { RegisteredName = marker, Flags = BSF_POSTMESSAGE });
        Assert.Equal(marker, (await tail.NextMessageAsync()).WindowMessage.RegisteredName);
    }

    [Fact]
    public async Task An_unknown_recipient_name_is_a_usage_error()
    {
        var run = await NotifyRun.RunAsync(broker.Address, "broadcast", "WM_APP+1", "--recipients", "BSM_EVERYONE");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains(run.Error.Lines, l => l.Contains("Unknown BSM_* name 'BSM_EVERYONE'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Numeric_flags_with_an_unknown_bit_reach_the_broker_which_refuses_them_with_87()
    {
        var run = await NotifyRun.RunAsync(broker.Address, "broadcast", "0x8001", "--flags", "0x10010");

        Assert.True(run.ExitCode == ExitCodes.RpcError, run.ToString());
        Assert.Empty(run.Out.Lines);
        var error = Assert.Single(run.Error.Lines);
        Assert.StartsWith("notify: error 87 (ERROR_INVALID_PARAMETER): The parameter is incorrect.", error, StringComparison.Ordinal);
        Assert.Contains("[gRPC INVALID_ARGUMENT", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_BSF_QUERY_veto_exits_3_and_names_the_window_that_denied_it()
    {
        var name = BrokerFixture.Unique("NotifyBroker.MayIShutDown");
        var id = broker.Desktop.RegisterWindowMessage(name);
        var vetoer = broker.Desktop.CreateWindow("Unsaved document", processId: 4242,
            (_, message) => message.MessageId == id ? WindowMessages.BROADCAST_QUERY_DENY : 1);

        var run = await NotifyRun.RunAsync(broker.Address, "broadcast", name, "--flags", "query");

        Assert.True(run.ExitCode == ExitCodes.Vetoed, run.ToString());
        Assert.Equal($"Broadcast NOT completed: \"{name}\" (0x{id:X4}) denied by Unsaved document (hwnd 0x{vetoer.Hwnd:X})", run.Out.Lines[0]);
        Assert.Contains("  result:     0", run.Out.Lines);
        broker.Desktop.DestroyWindow(vetoer);
    }

    [Fact]
    public async Task A_vetoed_broadcast_with_json_still_exits_3_and_carries_the_denier()
    {
        var name = BrokerFixture.Unique("NotifyBroker.MayIShutDown");
        var id = broker.Desktop.RegisterWindowMessage(name);
        var vetoer = broker.Desktop.CreateWindow("Draft mail", processId: 4343,
            (_, message) => message.MessageId == id ? WindowMessages.BROADCAST_QUERY_DENY : 1);

        var run = await NotifyRun.RunAsync(broker.Address, "--json", "broadcast", name, "--flags", "BSF_QUERY");

        Assert.True(run.ExitCode == ExitCodes.Vetoed, run.ToString());
        using var reply = JsonDocument.Parse(Assert.Single(run.Out.Lines));
        Assert.Equal(0, reply.RootElement.GetProperty("result").GetInt32());
        Assert.Equal("Draft mail", reply.RootElement.GetProperty("deniedBy").GetProperty("name").GetString());
        broker.Desktop.DestroyWindow(vetoer);
    }

    [Fact]
    public async Task WM_SETTINGCHANGE_by_name_carries_the_text_payload()
    {
        await using var tail = await SdkTail.OpenAsync(broker.Client, new SubscribeRequest { MessageIds = { 0x001A } });

        var run = await NotifyRun.RunAsync(broker.Address, "broadcast", "WM_SETTINGCHANGE", "--text", "Environment");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var received = (await tail.NextMessageAsync()).WindowMessage;
        Assert.Equal("Environment", received.Payload.Text);
        Assert.Equal("Environment", received.SettingChange.Area);
    }

    [Fact]
    public async Task WM_COPYDATA_carries_the_hex_bytes_and_dwData()
    {
        await using var tail = await SdkTail.OpenAsync(broker.Client, new SubscribeRequest { MessageIds = { 0x004A } });

        var run = await NotifyRun.RunAsync(broker.Address, "broadcast", "wm_copydata", "--copydata-hex", "48 65 6C 6C 6F 00", "--copydata-data", "0xC0FFEE");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var copy = (await tail.NextMessageAsync()).WindowMessage.Payload.CopyData;
        Assert.Equal(0xC0FFEEul, copy.Data);
        Assert.Equal("Hello\0"u8.ToArray(), copy.Bytes.ToByteArray());
    }

    [Fact]
    public async Task Text_and_copydata_together_are_a_usage_error()
    {
        var run = await NotifyRun.RunAsync(broker.Address, "broadcast", "WM_COPYDATA", "--text", "a", "--copydata-hex", "00");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains(run.Error.Lines, l => l.Contains("--text and --copydata-hex", StringComparison.Ordinal));
    }
}
