using System.Globalization;
using Grpc.Core;
using NotifyBroker.Client;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Server.Tests.TestSupport;

namespace NotifyBroker.Server.Tests.Notifier;

/// <summary>
/// Lag counts only what a stream would receive (issue 10, finding 2), through the real host: a stream filtered on one
/// rare alias, busy writing one of its own messages that is larger than the HTTP/2 flow-control window, is not ended
/// for the flood of others' traffic that passes meanwhile; a stream that really falls behind on its own messages
/// still ends with SLOW_CONSUMER and a position it resumes from without a gap. The client holds off reading while the
/// traffic is published, so the broker's write is certain to be waiting for it then; nothing here is timed (waits
/// are bounded only to catch a hang).
/// </summary>
public sealed class SlowStreamsFilteredTests
{
    private const int Capacity = 16;
    private const int LargeText = 600_000; // ~600 KB on the wire: far more than the client's 64 KiB stream window

    private static readonly string[] Settings =
    [
        "Broker:SubscriberQueueCapacity=" + Capacity.ToString(CultureInfo.InvariantCulture),
        "Broker:MaxTextLength=" + (LargeText + 1000).ToString(CultureInfo.InvariantCulture),
        "Broker:MaxBatchBytes=65536",
    ];

    [Fact]
    public async Task A_stream_filtered_on_a_rare_alias_is_not_ended_by_others_traffic_while_it_writes_a_large_message_of_its_own()
    {
        await using var host = await BrokerTestHost.StartAsync(Settings);
        using var rare = Streams.Subscribe(host.Grpc, new SubscribeRequest { HoldAliases = { "rare" } });
        await rare.OpenAsync();

        // Another stream holds a busy alias and reads everything sent to it.
        using var busy = Streams.Subscribe(host.Grpc, new SubscribeRequest { HoldAliases = { "busy" } });
        await busy.OpenAsync();
        var draining = DrainAsync(busy, count: 200);

        // One of its own, larger than the window: the broker's flush waits for the client, which does not read yet.
        await SendAsync(host, "rare", new string('r', LargeText));

        // Meanwhile, a flood of traffic it never asked for, a hundred times its capacity: window messages and
        // another alias's messages.
        for (var i = 0; i < 200; i++)
        {
            await SendAsync(host, "busy", "not yours " + i.ToString(CultureInfo.InvariantCulture));
            for (var j = 0; j < 10; j++)
            {
                await BroadcastAsync(host, (ulong)j);
            }
        }

        Assert.Equal(200, await draining);
        await SendAsync(host, "rare", "next");

        // Now it reads at full speed: its two messages, and no SLOW_CONSUMER.
        var large = await rare.NextMessageAsync();
        Assert.Equal(LargeText, large.AliasMessage.Text.Length);
        var next = await rare.NextMessageAsync();
        Assert.Equal("next", next.AliasMessage.Text);
        Assert.True(next.Position.Offset > large.Position.Offset + (200 * 11), "the flood went between them");

        // And it goes on.
        await SendAsync(host, "rare", "still here");
        Assert.Equal("still here", (await rare.NextMessageAsync()).AliasMessage.Text);
    }

    [Fact]
    public async Task A_stream_that_falls_behind_on_its_own_messages_still_ends_with_SLOW_CONSUMER_and_resumes_without_a_gap()
    {
        await using var host = await BrokerTestHost.StartAsync(Settings);
        using var rare = Streams.Subscribe(host.Grpc, new SubscribeRequest { HoldAliases = { "rare" } });
        var open = await rare.NextAsync(); // the Open event, at the live position it starts from
        Assert.Equal(Event.KindOneofCase.Open, open.KindCase);

        // The large one holds the broker's write; then far more of its own than its capacity, among others' traffic.
        const int Small = 3 * Capacity;
        var own = new List<string> { new('r', LargeText) };
        own.AddRange(Enumerable.Range(0, Small).Select(static i => i.ToString(CultureInfo.InvariantCulture)));
        await SendAsync(host, "rare", own[0]);
        foreach (var text in own.Skip(1))
        {
            await BroadcastAsync(host, 0);
            await SendAsync(host, "rare", text);
        }

        // It gets what reached it (how much depends on when the broker's write took the large one), then
        // SLOW_CONSUMER with the position of the last of them.
        var (received, failure) = await rare.ReadUntilFailureAsync();
        var messages = received.Where(static e => e.KindCase == Event.KindOneofCase.AliasMessage).ToList();
        Assert.Equal(StatusCode.ResourceExhausted, failure.StatusCode);
        Assert.True(failure.IsSlowConsumer, failure.Message);
        Assert.False(failure.ErrorInfo!.Metadata.ContainsKey("cause")); // fell behind, not the drain rule
        Assert.True(messages.Count < own.Count, $"all {messages.Count} reached it");
        Assert.Equal(messages.Count > 0 ? messages[^1].Position.Offset : open.Position.Offset, failure.ResumeAfter!.Offset);

        // Resuming after that position: every one of its own messages, none twice, none missing.
        using var resumed = Streams.Subscribe(host.Grpc, new SubscribeRequest
        {
            Aliases = { "rare" },
            After = new Position { Offset = failure.ResumeAfter.Offset, Epoch = failure.ResumeAfter.Epoch },
        });
        Assert.True((await resumed.OpenAsync()).Recovered);
        var rest = new List<Event>();
        while (messages.Count + rest.Count < own.Count)
        {
            rest.Add(await resumed.NextMessageAsync());
        }

        Assert.Equal(own, messages.Concat(rest).Select(static e => e.AliasMessage.Text));
    }

    private static async Task SendAsync(BrokerTestHost host, string alias, string text)
    {
        using var timeout = new CancellationTokenSource(Streams.Patience);
        using var send = host.Grpc.SendAsync(new SendRequest { MsgName = alias, Text = text }, cancellationToken: timeout.Token);
        Assert.Equal(1u, (await send.ResponseAsync).Recipients);
    }

    /// <summary>Another program broadcasts WM_APP+1: one window message event.</summary>
    private static async Task BroadcastAsync(BrokerTestHost host, ulong wParam) =>
        await host.Desktop.BroadcastFromAsync(2000, new BroadcastCommand(0, 0, 0x8001, wParam, 0, null, TimeSpan.FromSeconds(1)));

    private static Task<int> DrainAsync(AsyncServerStreamingCall<Event> stream, int count) => Task.Run(async () =>
    {
        var read = 0;
        while (read < count)
        {
            if ((await stream.NextMessageAsync()).KindCase == Event.KindOneofCase.AliasMessage)
            {
                read++;
            }
        }

        return read;
    });
}
