using System.Globalization;
using NotifyBroker.Client.Tests.TestSupport;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Tests.Shared;
using Xunit.Abstractions;

namespace NotifyBroker.Client.Tests.Faults;

/// <summary>
/// The SDK's resuming subscription when the broker dies: a real broker process (<c>dotnet NotifyBroker.Server.dll</c>)
/// killed with SIGKILL while messages stream, then started again on the same port. The subscription reconnects by
/// itself and says recovered=false, and that how many events were lost cannot be known (the old history died with the
/// process). Within one history the count is knowable, and reported exactly. Waits are bounded only against hangs.
/// </summary>
public sealed class BrokerKilledTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task After_SIGKILL_and_a_restart_on_the_same_port_the_subscription_reconnects_and_reports_recovered_false_with_the_loss_unknowable()
    {
        using var state = new BrokerProcessState();
        using var timeout = new CancellationTokenSource(Patience);
        var first = await BrokerProcess.StartAsync("http://127.0.0.1:0", state);
        BrokerProcess? second = null;
        try
        {
            var reconnecting = new TaskCompletionSource<SubscriptionReconnect>(TaskCreationOptions.RunContinuationsAsynchronously);
            var resumes = new List<SubscriptionResumed>();
            var options = new SubscriptionOptions
            {
                InitialBackoff = TimeSpan.FromMilliseconds(50),
                MaxBackoff = TimeSpan.FromMilliseconds(500),
                OnReconnecting = reconnect => reconnecting.TrySetResult(reconnect),
                OnResumed = resumed => { lock (resumes) { resumes.Add(resumed); } },
            };
            using var client = new NotifierClient(first.Address, new NotifierClientOptions { ApiKey = state.AdminKey });

            // The stream holds the alias, so after the restart its resubscribe holds it again on the new broker.
            var subscription = client.SubscribeAsync(new SubscribeRequest { HoldAliases = { "feed" } }, options, timeout.Token);
            await using var events = subscription.GetAsyncEnumerator(timeout.Token);
            Assert.Equal(Event.KindOneofCase.Open, (await NextAsync(events)).KindCase);

            // Mid-stream: a sender keeps sending until the broker is gone.
            using var sender = new NotifierClient(first.Address, new NotifierClientOptions { ApiKey = state.AdminKey });
            using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var sending = SendUntilFailureAsync(sender, stopSending.Token);
            var seen = new List<Event>();
            while (seen.Count < 20)
            {
                seen.Add(await NextAsync(events));
            }

            first.Kill();
            var sent = await sending;
            log.WriteLine($"killed pid {first.Id} (SIGKILL) after the subscriber saw {seen.Count} of the {sent} messages the broker acknowledged");

            // Read on: what was already on the wire, then (after the reconnect) the new stream's Open.
            var reading = ReadUntilOpenAsync(events, seen);
            var failure = await reconnecting.Task.WaitAsync(timeout.Token);
            log.WriteLine($"stream ended: {failure.Failure.Message}; reconnecting (attempt {failure.Attempt})");
            second = await BrokerProcess.StartAsync(first.Address, state);
            Assert.Equal(first.Address, second.Address);
            Assert.NotEqual(first.Epoch, second.Epoch);

            var open = await reading;
            var lastSeen = seen[^1].Position;
            Assert.False(open.Open.Recovered);
            Assert.Equal(second.Epoch, open.Position.Epoch);

            // The report: recovered=false, the broker restarted, how many were lost is unknowable.
            var resumed = Assert.Single(Snapshot(resumes));
            log.WriteLine(resumed.Describe());
            Assert.True(resumed.IsReconnect);
            Assert.False(resumed.Recovered);
            Assert.True(resumed.HistoryRestarted);
            Assert.Null(resumed.LostEvents);
            Assert.Equal(lastSeen, resumed.ResumedAfter);
            Assert.Equal(open.Position, resumed.StartsAt);
            Assert.Equal(resumed, subscription.LastResume);
            Assert.StartsWith("recovered=false: the broker restarted", resumed.Describe(), StringComparison.Ordinal);
            Assert.Contains($"epoch {first.Epoch} is gone, now {second.Epoch}", resumed.Describe(), StringComparison.Ordinal);
            Assert.Contains($"how many events after {lastSeen.Offset}@{first.Epoch} were lost cannot be known", resumed.Describe(), StringComparison.Ordinal);

            // And it is live on the new broker: the next message arrives, the first of the new history.
            using var restarted = new NotifierClient(second.Address, new NotifierClientOptions { ApiKey = state.AdminKey });
            var reply = await restarted.SendAsync("feed", "after the restart", cancellationToken: timeout.Token);
            var next = await NextMessageAsync(events);
            Assert.Equal("after the restart", next.AliasMessage.Text);
            Assert.Equal(reply.Position, next.Position);

            // Before the kill the stream had no gap and no duplicate.
            var texts = seen.Select(static e => e.AliasMessage.Text).ToList();
            Assert.Equal(Enumerable.Range(0, texts.Count).Select(static i => "m" + i.ToString(CultureInfo.InvariantCulture)), texts);
        }
        finally
        {
            first.Dispose();
            second?.Dispose();
        }
    }

    [Fact]
    public async Task A_reconnect_whose_events_history_evicted_in_the_meantime_reports_exactly_how_many_were_lost()
    {
        await using var broker = await InProcessBrokerHost.StartAsync("Broker:HistoryMaxCount=5");
        await using var proxy = new DroppingProxy(new Uri(broker.Address));
        using var sender = new NotifierClient(broker.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
        using var subscriber = new NotifierClient(proxy.Address.ToString(), new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
        using var timeout = new CancellationTokenSource(Patience);
        await sender.AddAliasAsync("feed", timeout.Token);
        const int WhileAway = 12;
        var resumes = new List<SubscriptionResumed>();
        var options = new SubscriptionOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(200),
            OnReconnecting = reconnect =>
            {
                // Before the first reconnect, the broker accepts more than history keeps.
                if (reconnect.Attempt == 1)
                {
                    for (var i = 0; i < WhileAway; i++)
                    {
                        sender.SendAsync("feed", "away " + i.ToString(CultureInfo.InvariantCulture), cancellationToken: timeout.Token).GetAwaiter().GetResult();
                    }
                }
            },
            OnResumed = resumed => { lock (resumes) { resumes.Add(resumed); } },
        };

        var subscription = subscriber.SubscribeAsync(new SubscribeRequest { Aliases = { "feed" } }, options, timeout.Token);
        await using var events = subscription.GetAsyncEnumerator(timeout.Token);
        Assert.Equal(Event.KindOneofCase.Open, (await NextAsync(events)).KindCase);
        await sender.SendAsync("feed", "seen", cancellationToken: timeout.Token);
        var seen = await NextMessageAsync(events);
        proxy.DropConnections();

        var open = await ReadUntilOpenAsync(events, []);
        var resumed = Assert.Single(Snapshot(resumes));
        log.WriteLine(resumed.Describe());
        Assert.False(open.Open.Recovered);
        Assert.False(resumed.HistoryRestarted);
        Assert.Equal(seen.Position, resumed.ResumedAfter);
        Assert.Equal(seen.Position.Offset + WhileAway, open.Position.Offset);
        Assert.Equal((ulong)WhileAway, resumed.LostEvents);
        Assert.Contains(
            $"recovered=false: history no longer holds the events after {seen.Position.Offset}@{seen.Position.Epoch}: {WhileAway} events lost ({seen.Position.Offset + 1}..{open.Position.Offset}",
            resumed.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reconnect_that_loses_nothing_reports_recovered_true_and_zero_lost()
    {
        await using var broker = await InProcessBrokerHost.StartAsync();
        await using var proxy = new DroppingProxy(new Uri(broker.Address));
        using var sender = new NotifierClient(broker.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
        using var subscriber = new NotifierClient(proxy.Address.ToString(), new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
        using var timeout = new CancellationTokenSource(Patience);
        await sender.AddAliasAsync("feed", timeout.Token);
        var resumes = new List<SubscriptionResumed>();
        var options = new SubscriptionOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            OnResumed = resumed => { lock (resumes) { resumes.Add(resumed); } },
        };

        var subscription = subscriber.SubscribeAsync(new SubscribeRequest { Aliases = { "feed" } }, options, timeout.Token);
        await using var events = subscription.GetAsyncEnumerator(timeout.Token);
        await NextAsync(events);
        await sender.SendAsync("feed", "one", cancellationToken: timeout.Token);
        var seen = await NextMessageAsync(events);
        proxy.DropConnections();
        await ReadUntilOpenAsync(events, []);

        var resumed = Assert.Single(Snapshot(resumes));
        Assert.True(resumed.Recovered);
        Assert.Equal(0UL, resumed.LostEvents);
        Assert.Equal($"recovered=true: resumed after {seen.Position.Offset}@{seen.Position.Epoch} without a gap", resumed.Describe());
    }

    private static async Task<int> SendUntilFailureAsync(NotifierClient sender, CancellationToken cancellationToken)
    {
        // Sends stop at the first failure: the broker was killed (or the test ended).
        var sent = 0;
        try
        {
            while (true)
            {
                await sender.SendAsync("feed", "m" + sent.ToString(CultureInfo.InvariantCulture), cancellationToken: cancellationToken);
                sent++;
            }
        }
        catch (NotifyException)
        {
            return sent;
        }
        catch (Grpc.Core.RpcException)
        {
            return sent;
        }
    }

    /// <summary>Messages into <paramref name="seen"/> until the next Open (a reconnect's), which it returns.</summary>
    private static async Task<Event> ReadUntilOpenAsync(IAsyncEnumerator<Event> events, List<Event> seen)
    {
        while (true)
        {
            var next = await NextAsync(events);
            switch (next.KindCase)
            {
                case Event.KindOneofCase.Open:
                    return next;
                case Event.KindOneofCase.AliasMessage:
                    seen.Add(next);
                    break;
            }
        }
    }

    private static async Task<Event> NextMessageAsync(IAsyncEnumerator<Event> events)
    {
        while (true)
        {
            var next = await NextAsync(events);
            if (next.KindCase == Event.KindOneofCase.AliasMessage)
            {
                return next;
            }
        }
    }

    private static async Task<Event> NextAsync(IAsyncEnumerator<Event> events)
    {
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(Patience), "The subscription ended.");
        return events.Current;
    }

    private static List<SubscriptionResumed> Snapshot(List<SubscriptionResumed> resumes)
    {
        lock (resumes)
        {
            return [.. resumes];
        }
    }
}
