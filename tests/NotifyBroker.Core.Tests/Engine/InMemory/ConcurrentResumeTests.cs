using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Engine.InMemory;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Core.Tests.TestSupport;

namespace NotifyBroker.Core.Tests.Engine.InMemory;

/// <summary>Replay and live are one sequence: many subscribers dropping and resuming while events are published.</summary>
public class ConcurrentResumeTests
{
    private const int Events = 5000;
    private const int Subscribers = 50;

    [Fact]
    public async Task Every_subscriber_sees_every_event_it_wants_exactly_once_and_in_order()
    {
        using var engine = new InMemoryEngine(Events, TimeSpan.FromHours(1));
        var filters = Enumerable.Range(0, Subscribers)
            .Select(i => i % 3 == 0 ? new EventFilter(messageIds: [0, 2, 4]) : EventFilter.All)
            .ToArray();
        var initial = filters.Select(f => engine.Subscribe(f, SubscriptionStart.Live, Events)).ToArray();

        var readers = Enumerable.Range(0, Subscribers).Select(i => Task.Run(() => ReadWithRandomResumes(engine, initial[i], filters[i], seed: i))).ToArray();
        var publisher = Task.Run(async () =>
        {
            for (var n = 1; n <= Events; n++)
            {
                engine.Publish(Bodies.Window((uint)(n % 7)), TraceContext.None);
                if (n % 16 == 0)
                {
                    await Task.Yield();
                }
            }
        });

        await publisher;
        var results = await Task.WhenAll(readers);

        for (var i = 0; i < Subscribers; i++)
        {
            var expected = Enumerable.Range(1, Events)
                .Where(n => filters[i].Matches(Bodies.Window((uint)(n % 7))))
                .Select(n => (ulong)n);
            Assert.Equal(expected, results[i].Offsets);
            Assert.True(results[i].Resumes > 0, $"subscriber {i} never resumed");
        }
    }

    private static async Task<(List<ulong> Offsets, int Resumes)> ReadWithRandomResumes(IBrokerEngine engine, IEventStream stream, EventFilter filter, int seed)
    {
        var random = new Random(seed);
        using var guard = new CancellationTokenSource(Read.HangGuard);
        var offsets = new List<ulong>();
        var lastSeen = stream.Open.Current;
        var resumes = 0;
        try
        {
            while (stream.LastPosition.Offset < Events)
            {
                Assert.True(await stream.WaitToReadAsync(guard.Token), $"ended: {stream.Completion}");
                var batch = random.Next(1, 40);
                for (var n = 0; n < batch && stream.TryRead(out var e); n++)
                {
                    offsets.Add(e.Position.Offset);
                    lastSeen = e.Position;
                }

                if (random.Next(5) == 0)
                {
                    // Drop the stream and resume after the last event actually seen, as a reconnecting client does.
                    stream.Dispose();
                    stream = engine.Subscribe(filter, SubscriptionStart.After(lastSeen), Events);
                    Assert.True(stream.Open.Recovered);
                    resumes++;
                }
            }
        }
        finally
        {
            stream.Dispose();
        }

        return (offsets, resumes);
    }
}
