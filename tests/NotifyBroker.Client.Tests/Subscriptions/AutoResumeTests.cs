using System.Globalization;
using NotifyBroker.Client.Tests.TestSupport;
using NotifyBroker.Contracts.V1;
using Grpc.Core;
using NotifyBroker.Tests.Shared;
using NotifyBroker.Client;

namespace NotifyBroker.Client.Tests.Subscriptions;

/// <summary>The SDK's resuming subscription against a real broker: every disconnect is healed without gap or duplicate.</summary>
public sealed class AutoResumeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static SubscriptionOptions FastResume(List<SubscriptionReconnect> reconnects) => new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
        MaxReconnectAttempts = 50,
        OnReconnecting = reconnect => { lock (reconnects) { reconnects.Add(reconnect); } },
    };

    [Fact]
    public async Task A_subscription_resumes_gap_free_when_the_broker_ends_its_streams()
    {
        const int Messages = 200;
        await using var broker = await InProcessBrokerHost.StartAsync();
        using var client = new NotifierClient(broker.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
        await client.AddAliasAsync("feed");
        var reconnects = new List<SubscriptionReconnect>();
        using var timeout = new CancellationTokenSource(Patience);
        var opened = new TaskCompletionSource();

        var reading = ReadTextsAsync(client, FastResume(reconnects), Messages, opened, perEvent: null, timeout.Token);
        await opened.Task.WaitAsync(timeout.Token);
        for (var i = 0; i < Messages; i++)
        {
            await client.SendAsync("feed", i.ToString(CultureInfo.InvariantCulture), cancellationToken: timeout.Token);
            if (i % 50 == 25)
            {
                // Server side: every open stream ends with UNAVAILABLE (BROKER_STOPPING) and its resume position.
                await broker.Broker.StopAsync(timeout.Token);
                await broker.Broker.StartAsync(timeout.Token);
            }
        }

        var (texts, opens) = await reading;
        Assert.Equal(Expected(Messages), texts);
        Assert.NotEmpty(reconnects);
        Assert.All(reconnects, r => Assert.Equal(StatusCode.Unavailable, r.Failure.StatusCode));
        Assert.All(opens.Skip(1), open => Assert.True(open.Recovered));
        Assert.Equal(reconnects.Count + 1, opens.Count);
    }

    [Fact]
    public async Task A_slow_consumer_disconnect_is_resumed_gap_free()
    {
        // 600 events of ~1 KB are far more than the stalled stream can park: the client's HTTP/2 stream window
        // (64 KiB), Kestrel's response buffer and the broker's queue of 8 together hold a fraction of them.
        const int Messages = 600;
        await using var broker = await InProcessBrokerHost.StartAsync("Broker:SubscriberQueueCapacity=8");
        using var client = new NotifierClient(broker.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
        await client.AddAliasAsync("feed");
        var reconnects = new List<SubscriptionReconnect>();
        using var timeout = new CancellationTokenSource(Patience);
        var opened = new TaskCompletionSource();
        var allSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The consumer stops at its first message until every message was sent, so the broker's queue for it
        // overflows whatever the machine's speed and the broker cuts it off as a slow consumer.
        var reading = ReadTextsAsync(client, FastResume(reconnects), Messages, opened,
            perEvent: () => allSent.Task.WaitAsync(timeout.Token), timeout.Token);
        await opened.Task.WaitAsync(timeout.Token);
        var padding = new string('.', 1000);
        try
        {
            for (var i = 0; i < Messages; i++)
            {
                await client.SendAsync("feed", i.ToString(CultureInfo.InvariantCulture) + padding, cancellationToken: timeout.Token);
            }
        }
        finally
        {
            allSent.TrySetResult();
        }

        var (texts, _) = await reading;
        Assert.Equal(Expected(Messages).Select(t => t + padding), texts);
        Assert.Contains(reconnects, r => r.Failure.IsSlowConsumer && r.Failure.ResumeAfter is not null);
    }

    [Fact]
    public async Task A_subscription_resumes_gap_free_after_its_connection_is_cut()
    {
        const int Messages = 150;
        await using var broker = await InProcessBrokerHost.StartAsync();
        await using var proxy = new DroppingProxy(new Uri(broker.Address));
        using var sender = new NotifierClient(broker.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
        using var subscriber = new NotifierClient(proxy.Address.ToString(), new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
        await sender.AddAliasAsync("feed");
        var reconnects = new List<SubscriptionReconnect>();
        using var timeout = new CancellationTokenSource(Patience);
        var opened = new TaskCompletionSource();

        var reading = ReadTextsAsync(subscriber, FastResume(reconnects), Messages, opened, perEvent: null, timeout.Token);
        await opened.Task.WaitAsync(timeout.Token);
        for (var i = 0; i < Messages; i++)
        {
            await sender.SendAsync("feed", i.ToString(CultureInfo.InvariantCulture), cancellationToken: timeout.Token);
            if (i % 50 == 10)
            {
                proxy.DropConnections();
            }
        }

        var (texts, _) = await reading;
        Assert.Equal(Expected(Messages), texts);
        Assert.True(proxy.Dropped > 0);
        Assert.NotEmpty(reconnects);
    }

    [Fact]
    public async Task Without_auto_resume_the_first_disconnect_ends_the_enumeration_with_its_resume_position()
    {
        await using var broker = await InProcessBrokerHost.StartAsync();
        using var client = new NotifierClient(broker.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
        await client.AddAliasAsync("feed");
        using var timeout = new CancellationTokenSource(Patience);
        var options = new SubscriptionOptions { AutoResume = false };

        var events = client.SubscribeAsync(new SubscribeRequest { Aliases = { "feed" } }, options, timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(Event.KindOneofCase.Open, events.Current.KindCase);
        var sent = await client.SendAsync("feed", "one", cancellationToken: timeout.Token);
        Assert.True(await events.MoveNextAsync());
        await broker.Broker.StopAsync(timeout.Token);

        var failure = await Assert.ThrowsAsync<NotifyException>(async () => await events.MoveNextAsync());
        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Equal("BROKER_STOPPING", failure.SymbolicName);
        Assert.Equal(sent.Position, failure.ResumeAfter);
        await events.DisposeAsync();
    }

    [Fact]
    public async Task Errors_that_a_resubscribe_cannot_cure_are_thrown_at_once()
    {
        await using var broker = await InProcessBrokerHost.StartAsync();
        using var client = new NotifierClient(broker.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
        var reconnects = new List<SubscriptionReconnect>();
        using var timeout = new CancellationTokenSource(Patience);

        var failure = await Assert.ThrowsAsync<NotifyException>(async () =>
        {
            await foreach (var _ in client.SubscribeAsync(new SubscribeRequest { HoldAliases = { "" } }, FastResume(reconnects), timeout.Token))
            {
            }
        });

        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Equal(87, failure.Win32Code);
        Assert.Empty(reconnects);
    }

    private static List<string> Expected(int count) =>
        Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();

    /// <summary>Reads alias messages through the SDK until <paramref name="count"/> arrived, checking positions never skip or repeat.</summary>
    private static async Task<(List<string> Texts, List<Open> Opens)> ReadTextsAsync(
        NotifierClient client, SubscriptionOptions options, int count, TaskCompletionSource opened, Func<Task>? perEvent, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var texts = new List<string>();
        var opens = new List<Open>();
        ulong? last = null;
        await foreach (var streamEvent in client.SubscribeAsync(new SubscribeRequest { Aliases = { "feed" } }, options, cancellationToken))
        {
            switch (streamEvent.KindCase)
            {
                case Event.KindOneofCase.Open:
                    opens.Add(streamEvent.Open);
                    opened.TrySetResult();
                    break;
                case Event.KindOneofCase.AliasMessage:
                    if (last is { } previous)
                    {
                        Assert.Equal(previous + 1, streamEvent.Position.Offset);
                    }

                    last = streamEvent.Position.Offset;
                    texts.Add(streamEvent.AliasMessage.Text);
                    if (perEvent is not null)
                    {
                        await perEvent();
                    }

                    break;
            }

            if (texts.Count == count)
            {
                break;
            }
        }

        return (texts, opens);
    }
}
