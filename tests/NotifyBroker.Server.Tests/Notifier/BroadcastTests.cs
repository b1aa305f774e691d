using Google.Protobuf;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Desktop;
using Grpc.Core;
using NotifyBroker.Server.Tests.TestSupport;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Server.Tests.Notifier;

public sealed class BroadcastTests : IAsyncLifetime
{
    private BrokerTestHost _host = null!;

    public async Task InitializeAsync() => _host = await BrokerTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_registered_message_broadcast_arrives_on_Subscribe_with_its_name_and_parameters()
    {
        using var stream = Streams.Subscribe(_host.Grpc, new SubscribeRequest { RegisteredNames = { "NotifyBroker.Tour" } });
        await stream.OpenAsync();

        var reply = await _host.Client.BroadcastAsync(new BroadcastRequest
        {
            RegisteredName = "NotifyBroker.Tour",
            Wparam = 0xFEED,
            Lparam = -42,
        });

        Assert.True(reply.Result > 0);
        Assert.InRange(reply.MessageId, 0xC000u, 0xFFFFu);
        var received = await stream.NextMessageAsync();
        Assert.Equal(Event.KindOneofCase.WindowMessage, received.KindCase);
        var message = received.WindowMessage;
        Assert.Equal(reply.MessageId, message.Id);
        Assert.Equal("NotifyBroker.Tour", message.RegisteredName);
        Assert.Equal(0xFEEDul, message.Wparam);
        Assert.Equal(-42L, message.Lparam);
        Assert.Equal(MessageSource.BroadcastRpc, message.Source);
        Assert.NotNull(message.ReceivedAt);
        Assert.NotNull(received.Time);
    }

    [Fact]
    public async Task WM_COPYDATA_bytes_round_trip_through_the_payload()
    {
        using var stream = Streams.Subscribe(_host.Grpc, new SubscribeRequest { MessageIds = { WM_COPYDATA } });
        await stream.OpenAsync();
        byte[] bytes = [0, 1, 2, 0x7F, 0x80, 0xFF];

        await _host.Client.BroadcastAsync(new BroadcastRequest
        {
            MessageId = WM_COPYDATA,
            Payload = new Payload { CopyData = new CopyData { Data = 0xC0FFEE, Bytes = ByteString.CopyFrom(bytes) } },
        });

        var message = (await stream.NextMessageAsync()).WindowMessage;
        Assert.Equal(WM_COPYDATA, message.Id);
        Assert.Equal(Payload.KindOneofCase.CopyData, message.Payload.KindCase);
        Assert.Equal(0xC0FFEEul, message.Payload.CopyData.Data);
        Assert.Equal(bytes, message.Payload.CopyData.Bytes.ToByteArray());
    }

    [Fact]
    public async Task A_raw_lParam_for_WM_COPYDATA_is_refused()
    {
        var failure = await Streams.FailureOf(() => _host.Client.BroadcastAsync(new BroadcastRequest { MessageId = WM_COPYDATA, Lparam = 0x1234_5678 }));

        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Equal(87, failure.Win32Code);
    }

    [Fact]
    public async Task Unknown_flag_bits_are_invalid_with_ERROR_INVALID_PARAMETER()
    {
        var failure = await Streams.FailureOf(() => _host.Client.BroadcastAsync(new BroadcastRequest { MessageId = 0x8001, Flags = 0x0001_0000 }));

        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Equal("ERROR_INVALID_PARAMETER", failure.SymbolicName);
        Assert.Equal(87, failure.Win32Code);
    }

    [Fact]
    public async Task A_BSF_QUERY_veto_returns_zero_and_names_the_denier()
    {
        var id = _host.Desktop.RegisterWindowMessage("NotifyBroker.MayIShutDown");
        var vetoer = _host.Desktop.CreateWindow("Unsaved document", processId: 4242,
            (_, message) => message.MessageId == id ? WindowMessages.BROADCAST_QUERY_DENY : 1);

        var reply = await _host.Client.BroadcastAsync(new BroadcastRequest { RegisteredName = "NotifyBroker.MayIShutDown", Flags = BroadcastFlags.BSF_QUERY });

        Assert.Equal(0, reply.Result);
        Assert.NotNull(reply.DeniedBy);
        Assert.Equal(vetoer.Hwnd, reply.DeniedBy.Hwnd);
        Assert.Equal("Unsaved document", reply.DeniedBy.Name);
    }

    [Fact]
    public async Task BSF_IGNORECURRENTTASK_skips_the_brokers_own_listener_but_reaches_other_programs()
    {
        var other = _host.Desktop.CreateWindow("Other program", processId: 777);
        using var stream = Streams.Subscribe(_host.Grpc, new SubscribeRequest { RegisteredNames = { "NotifyBroker.Skip", "NotifyBroker.Marker" } });
        await stream.OpenAsync();

        var skipped = await _host.Client.BroadcastAsync(new BroadcastRequest { RegisteredName = "NotifyBroker.Skip", Flags = BroadcastFlags.BSF_IGNORECURRENTTASK });
        await _host.Client.BroadcastAsync(new BroadcastRequest { RegisteredName = "NotifyBroker.Marker" });

        // Events arrive in order: had the first broadcast reached the listener, it would come before the marker.
        var first = await stream.NextMessageAsync();
        Assert.Equal("NotifyBroker.Marker", first.WindowMessage.RegisteredName);
        Assert.Contains(other.Received, m => m.MessageId == skipped.MessageId);
    }

    [Fact]
    public async Task Messages_from_other_programs_on_the_desktop_arrive_as_desktop_messages()
    {
        using var stream = Streams.Subscribe(_host.Grpc, new SubscribeRequest { MessageRanges = { new MessageRange { First = 0x8000, Last = 0x8FFF } } });
        await stream.OpenAsync();

        await _host.Desktop.BroadcastFromAsync(senderProcessId: 555, new BroadcastCommand(
            BroadcastFlags.BSF_POSTMESSAGE, 0, 0x8123, 7, 8, null, TimeSpan.FromSeconds(1)));

        var message = (await stream.NextMessageAsync()).WindowMessage;
        Assert.Equal(0x8123u, message.Id);
        Assert.Equal(MessageSource.Desktop, message.Source);
        Assert.Equal(7ul, message.Wparam);
        Assert.Equal(8L, message.Lparam);
    }

    [Fact]
    public async Task A_broadcast_naming_no_message_is_invalid()
    {
        var failure = await Streams.FailureOf(() => _host.Client.BroadcastAsync(new BroadcastRequest { Wparam = 1 }));

        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Equal(87, failure.Win32Code);
    }
}
