using System.Globalization;
using Google.Protobuf;
using NotifyBroker.Contracts.V1;
using static NotifyBroker.Core.Desktop.BroadcastFlags;
using static NotifyBroker.Core.Desktop.BroadcastRecipients;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Windows.Tests.Wine;

/// <summary>
/// The whole broker (NotifyBroker.Server, win-x64) under Wine 8.0, driven from Linux over gRPC, with Win32Helper
/// processes standing in for legacy desktop programs under the same wineserver.
/// </summary>
[Trait("Category", "Wine")]
public sealed class WineBrokerTests : IDisposable
{
    private readonly BrokerConnection _broker = new(WineEnvironment.ServerUrl);

    private static string Prefix => WineEnvironment.ServerPrefix;

    private static string Helper => WineEnvironment.Helper;

    public void Dispose() => _broker.Dispose();

    private static string UniqueName() => "NotifyBroker.Test." + Guid.NewGuid().ToString("N");

    private static BroadcastRequest Broadcast(string name, uint flags, ulong wParam, long lParam) =>
        new() { RegisteredName = name, Flags = flags, Recipients = BSM_APPLICATIONS, Wparam = wParam, Lparam = lParam };

    private static async Task<WineProcess> StartLegacyListenerAsync(string name, bool deny = false)
    {
        WineProcess listener = deny ? WineProcess.Start(Prefix, Helper, "listen", name, "--deny") : WineProcess.Start(Prefix, Helper, "listen", name);
        await listener.WaitForLineStartingAsync("READY ");
        return listener;
    }

    [Fact]
    public async Task A_Broadcast_RPC_reaches_the_brokers_window_and_a_Linux_subscriber()
    {
        string name = UniqueName();
        await using var stream = await _broker.SubscribeAsync(new SubscribeRequest { RegisteredNames = { name } });

        BroadcastReply reply = await _broker.BroadcastAsync(Broadcast(name, BSF_POSTMESSAGE, 7, 9));

        Assert.True(reply.Result > 0);
        Assert.InRange(reply.MessageId, 0xC000u, 0xFFFFu);
        WindowMessage received = await stream.NextWindowMessageAsync(reply.MessageId);
        Assert.Equal(name, received.RegisteredName);
        Assert.Equal(7ul, received.Wparam);
        Assert.Equal(9L, received.Lparam);
        Assert.Equal(MessageSource.BroadcastRpc, received.Source);
    }

    [Fact]
    public async Task A_broadcast_by_a_legacy_program_reaches_subscribers()
    {
        string name = UniqueName();
        await using var stream = await _broker.SubscribeAsync(new SubscribeRequest { RegisteredNames = { name } });

        string sent = await WineProcess.RunAsync(Prefix, Helper, "broadcast", name, "31", "32");

        Assert.Contains("RESULT result=1 ", sent, StringComparison.Ordinal);
        Event received = await stream.NextAsync(e => e.KindCase == Event.KindOneofCase.WindowMessage && e.WindowMessage.RegisteredName == name);
        Assert.Equal(31ul, received.WindowMessage.Wparam);
        Assert.Equal(32L, received.WindowMessage.Lparam);
        Assert.Equal(MessageSource.Desktop, received.WindowMessage.Source);
    }

    [Fact]
    public async Task A_BSF_QUERY_vetoed_by_a_legacy_program_is_reported_denied()
    {
        string name = UniqueName();
        await using WineProcess legacy = await StartLegacyListenerAsync(name, deny: true);

        BroadcastReply reply = await _broker.BroadcastAsync(Broadcast(name, BSF_QUERY, 23, 24));

        Assert.Equal(0, reply.Result);
        Assert.Contains("wparam=23 lparam=24 ismex=1", await legacy.WaitForLineStartingAsync("GOT "), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WM_COPYDATA_from_a_legacy_program_reaches_a_subscriber_with_its_exact_bytes()
    {
        await using var stream = await _broker.SubscribeAsync(new SubscribeRequest { MessageIds = { WM_COPYDATA } });
        byte[] bytes = [0x00, 0x01, 0xFE, 0xFF, 0x42, 0x0A];
        ulong tag = (ulong)Random.Shared.Next(1, int.MaxValue);

        string sent = await WineProcess.RunAsync(Prefix, Helper, "copydata", Convert.ToHexString(bytes), tag.ToString(CultureInfo.InvariantCulture));

        Assert.Contains("SENT sent=1 answer=1 ", sent, StringComparison.Ordinal);
        Event received = await stream.NextAsync(e => e.KindCase == Event.KindOneofCase.WindowMessage &&
                                                     e.WindowMessage.Id == WM_COPYDATA &&
                                                     e.WindowMessage.Payload?.CopyData?.Data == tag);
        Assert.Equal(ByteString.CopyFrom(bytes), received.WindowMessage.Payload.CopyData.Bytes);
        Assert.Equal(MessageSource.Desktop, received.WindowMessage.Source);
    }

    [Fact]
    public async Task BSF_IGNORECURRENTTASK_skips_the_brokers_window_but_reaches_a_legacy_one()
    {
        string name = UniqueName();
        await using WineProcess legacy = await StartLegacyListenerAsync(name);
        await using var stream = await _broker.SubscribeAsync(new SubscribeRequest { RegisteredNames = { name } });

        BroadcastReply skipped = await _broker.BroadcastAsync(Broadcast(name, BSF_IGNORECURRENTTASK | BSF_POSTMESSAGE, 1, 0));
        Assert.True(skipped.Result > 0);
        Assert.Contains("wparam=1 ", await legacy.WaitForLineStartingAsync("GOT "), StringComparison.Ordinal);

        // The marker: posted after the first, so it would queue behind it had the first reached the broker's window.
        await _broker.BroadcastAsync(Broadcast(name, BSF_POSTMESSAGE, 2, 0));
        Event first = await stream.NextAsync(e => e.KindCase == Event.KindOneofCase.WindowMessage);
        Assert.Equal(2ul, first.WindowMessage.Wparam);
    }

    [Fact]
    public async Task Unknown_flag_bits_give_INVALID_ARGUMENT_carrying_ERROR_INVALID_PARAMETER()
    {
        var failure = await Assert.ThrowsAsync<BrokerCallFailure>(() => _broker.BroadcastAsync(Broadcast(UniqueName(), 0x800 | BSF_POSTMESSAGE, 1, 1)));

        Assert.Equal("InvalidArgument", failure.StatusCode);
        Assert.Equal(87, failure.Win32Code);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Send_to_a_name_no_alias_holds_is_UNIMPLEMENTED_with_ERROR_NOT_SUPPORTED_and_the_broker_stays_up(bool brokersOwnUser)
    {
        // Wine has no Messenger service and stubs WTSSendMessageW: the desktop says so instead of "no such name"
        // (and never calls netapi32, whose stubs would end the process). Wine's user is the Unix user running the
        // tests; the desktop does try that user's own session (WTSSendMessageW returns FALSE), any other name has none.
        string msgName = brokersOwnUser ? Environment.UserName : "NotifyBroker.Test.NobodyHere";
        var failure = await Assert.ThrowsAsync<BrokerCallFailure>(() =>
            _broker.SendAsync(new SendRequest { MsgName = msgName, Text = "hello from Linux" }));

        Assert.Equal("Unimplemented", failure.StatusCode);
        Assert.Equal(50, failure.Win32Code);
        Assert.Equal("ERROR_NOT_SUPPORTED", failure.SymbolicName);
        Assert.Contains("no Messenger service and WTSSendMessage is not implemented under Wine", failure.Message, StringComparison.Ordinal);

        // Still up: an alias send (which needs no session) and a broadcast both go through.
        string alias = "nbwine" + Guid.NewGuid().ToString("N")[..8];
        await using var stream = await _broker.SubscribeAsync(new SubscribeRequest { HoldAliases = { alias } });
        SendReply delivered = await _broker.SendAsync(new SendRequest { MsgName = alias, Text = "after the failure" });
        Assert.Equal(1u, delivered.Recipients);
        Event received = await stream.NextAsync(e => e.KindCase == Event.KindOneofCase.AliasMessage);
        Assert.Equal("after the failure", received.AliasMessage.Text);
        Assert.True((await _broker.BroadcastAsync(Broadcast(UniqueName(), BSF_POSTMESSAGE, 0, 0))).Result > 0);
    }
}
