using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using NotifyBroker.Contracts.V1;
using Grpc.Core;
using NotifyBroker.Server.Tests.TestSupport;

namespace NotifyBroker.Server.Tests.Notifier;

public sealed class SubscribeTests
{
    [Fact]
    public async Task Twenty_subscribers_that_disconnect_and_resume_at_random_each_see_the_exact_sequence()
    {
        const int Subscribers = 20;
        const int Messages = 300;
        await using var host = await BrokerTestHost.StartAsync();
        await host.Client.AddAliasAsync("feed");
        var start = (await host.Client.SendAsync("feed", "start")).Position;

        var subscribers = Enumerable.Range(0, Subscribers)
            .Select(i => Task.Run(() => ReadWithRandomResumesAsync(host, start, Messages, seed: i)))
            .ToArray();
        for (var i = 0; i < Messages; i++)
        {
            await host.Client.SendAsync("feed", i.ToString(CultureInfo.InvariantCulture));
        }

        var expected = Enumerable.Range(0, Messages).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        foreach (var seen in await Task.WhenAll(subscribers))
        {
            Assert.Equal(expected, seen);
        }
    }

    private static async Task<List<string>> ReadWithRandomResumesAsync(BrokerTestHost host, Position start, int count, int seed)
    {
        var random = new Random(seed);
        var seen = new List<string>();
        var after = start;
        while (seen.Count < count)
        {
            // Each connection reads a random number of events, then the subscriber hangs up and resumes after the last one.
            using var disconnect = new CancellationTokenSource();
            using var call = Streams.Subscribe(host.Grpc, new SubscribeRequest { Aliases = { "feed" }, After = after }, disconnect.Token);
            var open = await call.OpenAsync();
            Assert.True(open.Recovered);
            var budget = random.Next(1, 40);
            while (budget-- > 0 && seen.Count < count)
            {
                var next = await call.NextMessageAsync();
                Assert.Equal(after.Offset + 1, next.Position.Offset);
                seen.Add(next.AliasMessage.Text);
                after = next.Position;
            }

            await disconnect.CancelAsync();
        }

        return seen;
    }

    [Fact]
    public async Task Resuming_from_outside_history_opens_unrecovered_and_goes_live()
    {
        await using var host = await BrokerTestHost.StartAsync("Broker:HistoryMaxCount=4");
        await host.Client.AddAliasAsync("feed");
        var early = (await host.Client.SendAsync("feed", "early")).Position;
        for (var i = 0; i < 10; i++)
        {
            await host.Client.SendAsync("feed", "filler");
        }

        using var stale = Streams.Subscribe(host.Grpc, new SubscribeRequest { After = early });
        var open = await stale.OpenAsync();
        Assert.False(open.Recovered);
        Assert.True(open.Oldest.Offset > early.Offset + 1);

        var live = await host.Client.SendAsync("feed", "live");
        var next = await stale.NextMessageAsync();
        Assert.Equal("live", next.AliasMessage.Text);
        Assert.Equal(live.Position, next.Position);
    }

    [Fact]
    public async Task A_position_from_another_epoch_opens_unrecovered()
    {
        await using var host = await BrokerTestHost.StartAsync();

        using var stream = Streams.Subscribe(host.Grpc, new SubscribeRequest { After = new Position { Offset = 1, Epoch = "previous-run" } });
        var open = await stream.OpenAsync();

        Assert.False(open.Recovered);
    }

    [Fact]
    public async Task Since_a_time_replays_what_history_holds_from_then_in_order_then_goes_live()
    {
        await using var host = await BrokerTestHost.StartAsync();
        await host.Client.AddAliasAsync("feed");
        using var watcher = Streams.Subscribe(host.Grpc, new SubscribeRequest { Aliases = { "feed" } });
        await watcher.OpenAsync();
        await host.Client.SendAsync("feed", "before");

        // `since` is inclusive, so one tick after the time the broker itself gave "before" leaves "before" out and
        // takes in everything later: event times never go backwards, and the next send is a whole round trip after
        // "before" was read back. No wall-clock gap on the test's side is needed.
        var before = await watcher.NextMessageAsync();
        Assert.Equal("before", before.AliasMessage.Text);
        var since = before.Time.ToDateTimeOffset().AddTicks(1);
        await host.Client.SendAsync("feed", "one");
        await host.Client.SendAsync("feed", "two");

        using var stream = Streams.Subscribe(host.Grpc, new SubscribeRequest { Aliases = { "feed" }, Since = Timestamp.FromDateTimeOffset(since) });
        var open = await stream.OpenAsync();
        Assert.True(open.Recovered);
        Assert.Equal("one", (await stream.NextMessageAsync()).AliasMessage.Text);
        Assert.Equal("two", (await stream.NextMessageAsync()).AliasMessage.Text);

        await host.Client.SendAsync("feed", "three");
        Assert.Equal("three", (await stream.NextMessageAsync()).AliasMessage.Text);
    }

    [Fact]
    public async Task An_idle_stream_gets_keepalives_carrying_its_position()
    {
        await using var host = await BrokerTestHost.StartAsync();
        await host.Client.AddAliasAsync("quiet");
        var last = (await host.Client.SendAsync("quiet", "only one")).Position;

        using var stream = Streams.Subscribe(host.Grpc, new SubscribeRequest
        {
            Aliases = { "quiet" },
            KeepaliveInterval = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(150)),
        });
        var openEvent = await stream.NextAsync();
        Assert.Equal(TimeSpan.FromMilliseconds(150), openEvent.Open.KeepaliveInterval.ToTimeSpan());
        Assert.Equal(last, openEvent.Position);

        for (var i = 0; i < 2; i++)
        {
            var keepalive = await stream.NextAsync();
            Assert.Equal(Event.KindOneofCase.Keepalive, keepalive.KindCase);
            Assert.Equal(last, keepalive.Position);
        }
    }

    [Fact]
    public async Task A_subscriber_that_does_not_read_is_ended_with_RESOURCE_EXHAUSTED_and_a_resume_position_while_others_get_everything()
    {
        const int Messages = 600;
        await using var host = await BrokerTestHost.StartAsync("Broker:SubscriberQueueCapacity=64");
        await host.Client.AddAliasAsync("firehose");
        var text = new string('m', 1000); // big events fill the HTTP/2 window and response buffer quickly

        using var stalled = Streams.Subscribe(host.Grpc, new SubscribeRequest { Aliases = { "firehose" } });
        await stalled.OpenAsync();
        var readerCalls = Enumerable.Range(0, 3)
            .Select(_ => Streams.Subscribe(host.Grpc, new SubscribeRequest { Aliases = { "firehose" } }))
            .ToArray();
        foreach (var call in readerCalls)
        {
            await call.OpenAsync();
        }

        var readers = readerCalls.Select(call => Task.Run(async () =>
        {
            using (call)
            {
                var offsets = new List<ulong>();
                while (offsets.Count < Messages)
                {
                    offsets.Add((await call.NextMessageAsync()).Position.Offset);
                }

                return offsets;
            }
        })).ToArray();

        Position? first = null;
        for (var i = 0; i < Messages; i++)
        {
            var reply = await host.Client.SendAsync("firehose", text);
            first ??= reply.Position;
        }

        foreach (var offsets in await Task.WhenAll(readers))
        {
            Assert.Equal(Enumerable.Range(0, Messages).Select(i => first!.Offset + (ulong)i), offsets);
        }

        // Now the stalled subscriber reads what reached it, then the status: the resume position is its last event.
        var (events, failure) = await stalled.ReadUntilFailureAsync();
        Assert.True(failure.StatusCode == StatusCode.ResourceExhausted, $"{failure.Message} after {events.Count} events");
        Assert.Equal("SLOW_CONSUMER", failure.SymbolicName);
        Assert.True(failure.IsSlowConsumer);
        Assert.NotNull(failure.ResumeAfter);
        Assert.True(events.Count < Messages);
        var lastSeen = events.Count > 0 ? events[^1].Position.Offset : first!.Offset - 1;
        Assert.Equal(lastSeen, failure.ResumeAfter.Offset);
        Assert.Equal(failure.ResumeAfter.Offset.ToString(CultureInfo.InvariantCulture), failure.ErrorInfo!.Metadata["offset"]);
        Assert.Equal(failure.ResumeAfter.Epoch, failure.ErrorInfo.Metadata["epoch"]);

        // Resuming from it continues exactly where the stalled stream stopped.
        using var resumed = Streams.Subscribe(host.Grpc, new SubscribeRequest { Aliases = { "firehose" }, After = failure.ResumeAfter });
        Assert.True((await resumed.OpenAsync()).Recovered);
        Assert.Equal(failure.ResumeAfter.Offset + 1, (await resumed.NextMessageAsync()).Position.Offset);
    }

    [Fact]
    public async Task Stopping_the_broker_ends_streams_with_UNAVAILABLE_and_a_resume_position()
    {
        var host = await BrokerTestHost.StartAsync();
        try
        {
            await host.Client.AddAliasAsync("feed");
            using var stream = Streams.Subscribe(host.Grpc, new SubscribeRequest { Aliases = { "feed" } });
            await stream.OpenAsync();
            var sent = await host.Client.SendAsync("feed", "last words");
            Assert.Equal("last words", (await stream.NextMessageAsync()).AliasMessage.Text);

            var stopping = host.StopAsync();
            var (events, failure) = await stream.ReadUntilFailureAsync();
            await stopping;

            Assert.Empty(events);
            Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
            Assert.Equal("BROKER_STOPPING", failure.SymbolicName);
            Assert.Equal(sent.Position, failure.ResumeAfter);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("hold")]
    [InlineData("range")]
    [InlineData("id-too-large")]
    [InlineData("negative-keepalive")]
    public async Task Bad_subscribe_requests_are_invalid_and_the_server_keeps_serving(string problem)
    {
        await using var host = await BrokerTestHost.StartAsync();
        var request = problem switch
        {
            "hold" => new SubscribeRequest { HoldAliases = { "" } },
            "range" => new SubscribeRequest { MessageRanges = { new MessageRange { First = 10, Last = 1 } } },
            "negative-keepalive" => new SubscribeRequest { KeepaliveInterval = new Duration { Seconds = -1 } },
            _ => new SubscribeRequest { MessageIds = { 0x1_0000 } },
        };

        using var call = Streams.Subscribe(host.Grpc, request);
        var (events, failure) = await call.ReadUntilFailureAsync();

        Assert.Empty(events);
        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Equal(87, failure.Win32Code);
        await host.Client.AddAliasAsync("still-serving");
    }
}
