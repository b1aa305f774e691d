using System.Collections.Concurrent;
using NotifyBroker.Client;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Redis.Tests.TestSupport;
using Xunit.Abstractions;
using static NotifyBroker.Redis.Tests.TestSupport.Feed;

namespace NotifyBroker.Redis.Tests.Faults;

/// <summary>
/// Faults in the middle of traffic, seen through the C# SDK: a Redis restart (nothing whose Send answered OK is lost,
/// and the SDK's auto-resume continues with recovered=true), and a broker killed with SIGKILL while its subscriber
/// streams (the subscriber resumes on another broker after its last position with no gap and no duplicate).
/// </summary>
[Trait("Category", "Redis")]
public sealed class TrafficFaultTests(ITestOutputHelper log)
{
    [Fact]
    public async Task A_Redis_restart_in_the_middle_of_traffic_loses_no_accepted_event_and_the_SDK_resumes_with_recovered_true()
    {
        await using var fleet = await RedisFleet.StartAsync(["a", "b"], persistent: true);
        using var timeout = new CancellationTokenSource(Patience);
        using var sender = fleet.Client("a");
        using var receiver = fleet.Client("b");
        await sender.AddAliasAsync(Alias, timeout.Token);
        var resumes = new ConcurrentQueue<SubscriptionResumed>();
        var options = new SubscriptionOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(500),
            OnResumed = resumes.Enqueue,
        };
        var subscription = receiver.SubscribeAsync(new SubscribeRequest { Aliases = { Alias } }, options, timeout.Token);
        await using var events = subscription.GetAsyncEnumerator(timeout.Token);
        await NextAsync(events);

        // The sender keeps sending; it records what was accepted (OK) and what was refused.
        var accepted = new ConcurrentDictionary<int, Position>();
        var refused = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var sending = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    accepted[i] = (await sender.SendAsync(Alias, Text(i), cancellationToken: stop.Token)).Position;
                }
                catch (NotifyException e) when (e.StatusCode == Grpc.Core.StatusCode.Unavailable)
                {
                    Interlocked.Increment(ref refused);
                    await Task.Delay(20, CancellationToken.None);
                }
                catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or Grpc.Core.RpcException)
                {
                    return i;
                }
            }

            return -1;
        });

        while (accepted.Count < 100)
        {
            await Task.Delay(10, timeout.Token);
        }

        fleet.Redis.Restart();
        var before = accepted.Count;
        while (accepted.Count < before + 100 || Volatile.Read(ref refused) == 0 && accepted.Count < before + 2_000)
        {
            await Task.Delay(10, timeout.Token);
        }

        await stop.CancelAsync();
        await sending;
        // A number no loop send used (the cancelled last one may have been accepted too).
        var marker = await sender.SendAsync(Alias, Text(1_000_000), cancellationToken: timeout.Token);

        var seen = new List<Event>();
        while (seen.Count == 0 || seen[^1].Position.Offset < marker.Position.Offset)
        {
            seen.Add(await NextMessageAsync(events));
        }

        log.WriteLine($"accepted {accepted.Count}, refused {refused} while Redis restarted, seen {seen.Count}; resumes: {string.Join("; ", resumes.Select(r => r.Describe()))}");
        Assert.True(refused > 0, "no Send was refused: the restart went unnoticed");
        var numbers = seen.Select(Number).ToList();
        foreach (var twice in seen.GroupBy(Number).Where(g => g.Count() > 1))
        {
            log.WriteLine($"m{twice.Key} seen at {string.Join(", ", twice.Select(e => e.Position.Offset))}; accepted at {(accepted.TryGetValue(twice.Key, out var p) ? p.Offset : 0)}");
        }

        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.All(accepted, pair => Assert.Contains(pair.Key, numbers));
        Assert.Equal(seen.Select(e => e.Position.Offset).Order(), seen.Select(e => e.Position.Offset));
        Assert.Single(seen.Select(e => e.Position.Epoch).Distinct());
        Assert.NotEmpty(resumes);
        Assert.All(resumes, r => Assert.True(r.Recovered, r.Describe()));
    }

    [Fact]
    public async Task A_broker_killed_with_SIGKILL_mid_stream_leaves_its_subscriber_a_position_to_resume_after_on_another_broker_with_no_gap()
    {
        await using var fleet = await RedisFleet.StartAsync(["a", "b", "c"]);
        using var timeout = new CancellationTokenSource(Patience);
        using var sender = fleet.Client("c");
        await sender.AddAliasAsync(Alias, timeout.Token);
        using var doomed = fleet.Client("a");
        var subscription = doomed.SubscribeAsync(new SubscribeRequest { Aliases = { Alias } }, new SubscriptionOptions { AutoResume = false }, timeout.Token);
        var seen = new List<Event>();
        await using (var events = subscription.GetAsyncEnumerator(timeout.Token))
        {
            await NextAsync(events);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var sending = Task.Run(async () =>
            {
                var i = 0;
                try
                {
                    for (; ; i++)
                    {
                        await sender.SendAsync(Alias, Text(i), cancellationToken: stop.Token);
                    }
                }
                catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or Grpc.Core.RpcException)
                {
                    return i;
                }
            });

            while (seen.Count < 50)
            {
                seen.Add(await NextMessageAsync(events));
            }

            fleet.Kill("a");
            var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                while (true)
                {
                    seen.Add(await NextMessageAsync(events));
                }
            });
            log.WriteLine($"killed a after its subscriber saw {seen.Count}: {failure.GetType().Name}: {failure.Message}");

            // Traffic goes on through c while the subscriber moves.
            while (await Task.WhenAny(sending, Task.Delay(200, timeout.Token)) != sending && seen.Count > 0)
            {
                await stop.CancelAsync();
            }

            var sent = await sending;
            log.WriteLine($"c accepted {sent} sends");
        }

        var resumeAfter = subscription.ResumeAfter!;
        Assert.Equal(seen[^1].Position, resumeAfter);
        using var other = fleet.Client("b");
        var resumed = other.SubscribeAsync(new SubscribeRequest { Aliases = { Alias }, After = resumeAfter }, timeout.Token);
        await using var again = resumed.GetAsyncEnumerator(timeout.Token);
        Assert.True((await NextAsync(again)).Open.Recovered);
        var marker = await sender.SendAsync(Alias, "end", cancellationToken: timeout.Token);
        var rest = new List<Event>();
        while (rest.Count == 0 || rest[^1].Position.Offset < marker.Position.Offset)
        {
            rest.Add(await NextMessageAsync(again));
        }

        var numbers = seen.Concat(rest.SkipLast(1)).Select(Number).ToList();
        Assert.Equal(Enumerable.Range(0, numbers.Count), numbers);
        Assert.Equal(seen[^1].Position.Offset + 1, rest[0].Position.Offset);
        log.WriteLine($"{seen.Count} on a, then {rest.Count - 1} more on b, contiguous; {resumed.LastResume!.Describe()}");
    }
}
