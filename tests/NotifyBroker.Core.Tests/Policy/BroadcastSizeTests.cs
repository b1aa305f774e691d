using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Policy;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Core.Tests.TestSupport;
using static NotifyBroker.Core.Desktop.WindowMessages;
using static NotifyBroker.Core.Tests.Policy.PolicyHarness;

namespace NotifyBroker.Core.Tests.Policy;

/// <summary>A Broadcast whose event would exceed Broker:MaxEventBytes is refused before the desktop sees it.</summary>
public sealed class BroadcastSizeTests
{
    private const int Max = 4096;

    // The host's name travels in every window-message event.
    private static readonly int Room = Max - RequestSize.FixedOverhead - TestBroker.HostName.Length;

    private static BrokerBroadcastRequest CopyData(int bytes) => new()
    {
        MessageId = WM_COPYDATA,
        Payload = new WindowMessagePayload.CopyData(1, new byte[bytes]),
        Caller = Broadcaster,
    };

    private static BrokerBroadcastRequest SettingChange(string area) => new()
    {
        MessageId = WM_SETTINGCHANGE,
        Payload = new WindowMessagePayload.Text(area),
        Caller = Broadcaster,
    };

    private static async Task<BrokerException> TooBigAsync(PolicyHarness test, BrokerBroadcastRequest request)
    {
        var broadcasts = test.Desktop.BroadcastCount;
        var error = await Assert.ThrowsAsync<BrokerException>(() => test.Broker.BroadcastAsync(request).AsTask());

        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, error.Code);
        Assert.Equal("max_event_bytes", error.Details["limit"]);
        Assert.Equal(broadcasts, test.Desktop.BroadcastCount);
        return error;
    }

    [Fact]
    public async Task WM_COPYDATA_bytes_count_against_the_limit()
    {
        await using var test = await StartAsync(o => o.MaxEventBytes = Max);
        using var subscription = test.Broker.Subscribe(new SubscriptionRequest());

        await test.Broker.BroadcastAsync(CopyData(Room));
        var error = await TooBigAsync(test, CopyData(Room + 1));

        // What the policy let through, the engine published: the request-side estimate is never below the engine's.
        var copy = Assert.IsType<WindowMessagePayload.CopyData>(Read.Window(Assert.Single(Read.Available(subscription))).Payload);
        Assert.Equal(Room, copy.Bytes.Length);

        Assert.Equal(Max.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Details["max_bytes"]);
        Assert.Equal((Max + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Details["event_bytes"]);
    }

    [Fact]
    public async Task A_text_payload_counts_twice_in_UTF8()
    {
        // Twice: the event carries the payload and the decoded WM_SETTINGCHANGE area.
        await using var test = await StartAsync(o => o.MaxEventBytes = Max);

        await test.Broker.BroadcastAsync(SettingChange(new string('a', Room / 2)));
        await TooBigAsync(test, SettingChange(new string('a', (Room / 2) + 1)));
        await TooBigAsync(test, SettingChange(new string('é', (Room / 4) + 1)));
    }

    [Fact]
    public async Task A_registered_name_counts_against_the_limit_and_takes_no_atom_when_too_big()
    {
        await using var test = await StartAsync(o => o.MaxEventBytes = 1024);
        var atoms = test.AtomsUsed();

        // 127 emoji: 254 UTF-16 code units (an acceptable atom), 508 UTF-8 bytes: with the overhead, over 1,024.
        await TooBigAsync(test, new BrokerBroadcastRequest { RegisteredName = string.Concat(Enumerable.Repeat("😀", 127)), Caller = Broadcaster });

        Assert.Equal(atoms, test.AtomsUsed());
    }

    [Theory]
    [InlineData(1024 * 1024)]
    [InlineData((4 * 1024 * 1024) - 100)]
    public async Task The_poison_event_can_no_longer_be_made(int bytes)
    {
        await using var test = await StartAsync();

        await TooBigAsync(test, CopyData(bytes));
        await test.Broker.BroadcastAsync(CopyData(1024 * 1024 - 1024));
    }
}
