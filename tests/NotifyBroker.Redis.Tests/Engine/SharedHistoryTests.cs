using NotifyBroker.Client;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Redis.Tests.TestSupport;
using Xunit.Abstractions;
using static NotifyBroker.Redis.Tests.TestSupport.Feed;

namespace NotifyBroker.Redis.Tests.Engine;

/// <summary>
/// One history in Redis shared by three real broker processes: every broker's subscribers see every event, with the
/// same positions (one epoch, offsets +1 per accepted event across the fleet), and a subscriber resumes on any broker,
/// also on one that was killed and started again, with recovered=true and no gap or duplicate.
/// </summary>
[Trait("Category", "Redis")]
public sealed class SharedHistoryTests(ITestOutputHelper log)
{
    [Fact]
    public async Task Events_sent_to_any_broker_reach_the_subscribers_of_every_broker_with_one_epoch_and_consecutive_offsets()
    {
        await using var fleet = await RedisFleet.StartAsync(["a", "b", "c"]);
        using var timeout = new CancellationTokenSource(Patience);
        Assert.Equal(fleet["a"].Epoch, fleet["b"].Epoch);
        Assert.Equal(fleet["a"].Epoch, fleet["c"].Epoch);

        var clients = fleet.Names.ToDictionary(n => n, fleet.Client);
        try
        {
            foreach (var client in clients.Values)
            {
                await client.AddAliasAsync(Alias, timeout.Token);
            }

            var readers = new List<IAsyncEnumerator<Event>>();
            foreach (var client in clients.Values)
            {
                var events = client.SubscribeAsync(new SubscribeRequest { Aliases = { Alias } }, timeout.Token).GetAsyncEnumerator(timeout.Token);
                Assert.Equal(Event.KindOneofCase.Open, (await NextAsync(events)).KindCase);
                readers.Add(events);
            }

            // Interleaved: m0 to a, m1 to b, m2 to c, …
            const int Count = 60;
            var replies = new List<SendReply>();
            for (var i = 0; i < Count; i++)
            {
                replies.Add(await clients[fleet.Names[i % 3]].SendAsync(Alias, Text(i), cancellationToken: timeout.Token));
            }

            Assert.All(replies, r => Assert.Equal(fleet["a"].Epoch, r.Position.Epoch));
            Assert.Equal(Enumerable.Range(0, Count).Select(i => replies[0].Position.Offset + (ulong)i), replies.Select(r => r.Position.Offset));

            foreach (var events in readers)
            {
                var seen = await ReadThroughAsync(events, Count - 1);
                Assert.Equal(Enumerable.Range(0, Count).Select(Text), seen.Select(e => e.AliasMessage.Text));
                Assert.Equal(replies.Select(r => r.Position), seen.Select(e => e.Position));
            }

            log.WriteLine($"{Count} sends over 3 brokers; each broker's subscriber saw all, offsets {replies[0].Position.Offset}..{replies[^1].Position.Offset}@{replies[0].Position.Epoch}");
            foreach (var events in readers)
            {
                await events.DisposeAsync();
            }
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_subscriber_resumes_on_another_broker_after_its_last_position_with_recovered_true_replay_then_live()
    {
        await using var fleet = await RedisFleet.StartAsync(["a", "b"]);
        using var timeout = new CancellationTokenSource(Patience);
        using var a = fleet.Client("a");
        using var b = fleet.Client("b");
        await a.AddAliasAsync(Alias, timeout.Token);
        await b.AddAliasAsync(Alias, timeout.Token);

        Position last;
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token))
        {
            var subscription = a.SubscribeAsync(new SubscribeRequest { Aliases = { Alias } }, stop.Token);
            await using var events = subscription.GetAsyncEnumerator(stop.Token);
            await NextAsync(events);
            await Feed.SendAsync(a, 0, 10, timeout.Token);
            await ReadThroughAsync(events, 9);
            last = subscription.ResumeAfter!;
            await stop.CancelAsync();
        }

        // While away: more events, through both brokers.
        await Feed.SendAsync(a, 10, 15, timeout.Token);
        await Feed.SendAsync(b, 15, 20, timeout.Token);

        var resumed = b.SubscribeAsync(new SubscribeRequest { Aliases = { Alias }, After = last }, timeout.Token);
        await using var again = resumed.GetAsyncEnumerator(timeout.Token);
        var open = await NextAsync(again);
        Assert.Equal(Event.KindOneofCase.Open, open.KindCase);
        Assert.True(open.Open.Recovered);
        Assert.True(resumed.LastResume!.Recovered);
        log.WriteLine(resumed.LastResume.Describe());

        var replayed = await ReadThroughAsync(again, 19);
        await Feed.SendAsync(a, 20, 21, timeout.Token);
        var live = await NextMessageAsync(again);
        Assert.Equal(Enumerable.Range(10, 11).Select(Text), replayed.Append(live).Select(e => e.AliasMessage.Text));
        Assert.Equal(last.Offset + 1, replayed[0].Position.Offset);
    }

    [Fact]
    public async Task After_a_broker_is_killed_and_restarted_the_epoch_is_unchanged_and_a_subscriber_resumes_on_it_with_recovered_true()
    {
        await using var fleet = await RedisFleet.StartAsync(["a", "b"]);
        using var timeout = new CancellationTokenSource(Patience);
        var epoch = fleet["a"].Epoch;
        Position last;
        using (var a = fleet.Client("a"))
        {
            await a.AddAliasAsync(Alias, timeout.Token);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var subscription = a.SubscribeAsync(new SubscribeRequest { Aliases = { Alias } }, new SubscriptionOptions { AutoResume = false }, stop.Token);
            await using var events = subscription.GetAsyncEnumerator(stop.Token);
            await NextAsync(events);
            await Feed.SendAsync(a, 0, 5, timeout.Token);
            await ReadThroughAsync(events, 4);
            last = subscription.ResumeAfter!;
            fleet.Kill("a");
            await stop.CancelAsync();
        }

        using (var b = fleet.Client("b"))
        {
            await b.AddAliasAsync(Alias, timeout.Token);
            await Feed.SendAsync(b, 5, 10, timeout.Token);
        }

        var restarted = await fleet.RestartAsync("a");
        Assert.Equal(epoch, restarted.Epoch);
        using var again = fleet.Client("a");
        await again.AddAliasAsync(Alias, timeout.Token);
        var resumed = again.SubscribeAsync(new SubscribeRequest { Aliases = { Alias }, After = last }, timeout.Token);
        await using var events2 = resumed.GetAsyncEnumerator(timeout.Token);
        var open = await NextAsync(events2);
        Assert.True(open.Open.Recovered);
        Assert.Equal(epoch, open.Position.Epoch);
        var replayed = await ReadThroughAsync(events2, 9);
        await again.SendAsync(Alias, Text(10), cancellationToken: timeout.Token);
        var live = await NextMessageAsync(events2);
        Assert.Equal(Enumerable.Range(5, 6).Select(Text), replayed.Append(live).Select(e => e.AliasMessage.Text));
        log.WriteLine(resumed.LastResume!.Describe());
    }

    [Fact]
    public async Task History_is_bounded_by_count_across_the_fleet_and_a_resume_before_it_says_exactly_how_many_were_lost_and_goes_live()
    {
        await using var fleet = await RedisFleet.StartAsync(["a", "b"], "Broker:HistoryMaxCount=10");
        using var timeout = new CancellationTokenSource(Patience);
        using var a = fleet.Client("a");
        using var b = fleet.Client("b");
        await a.AddAliasAsync(Alias, timeout.Token);
        var replies = await Feed.SendAsync(a, 0, 25, timeout.Token);

        var resumed = b.SubscribeAsync(new SubscribeRequest { Aliases = { Alias }, After = replies[4].Position }, timeout.Token);
        await using var events = resumed.GetAsyncEnumerator(timeout.Token);
        var open = await NextAsync(events);
        Assert.False(open.Open.Recovered);
        Assert.Equal(replies[15].Position, open.Open.Oldest);
        Assert.Equal(replies[24].Position, open.Position);
        Assert.Equal(20UL, resumed.LastResume!.LostEvents);

        // Not recovered: live from the head, without a replay.
        await a.SendAsync(Alias, Text(25), cancellationToken: timeout.Token);
        Assert.Equal(Text(25), (await NextMessageAsync(events)).AliasMessage.Text);
        log.WriteLine(resumed.LastResume.Describe());
    }
}
