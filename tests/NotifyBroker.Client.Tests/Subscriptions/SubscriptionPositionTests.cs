using NotifyBroker.Contracts.V1;
using NotifyBroker.Tests.Shared;
using NotifyBroker.Client;

namespace NotifyBroker.Client.Tests.Subscriptions;

/// <summary>What a <see cref="NotifierSubscription"/> tells about where it stands, against a real broker.</summary>
public sealed class SubscriptionPositionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ResumeAfter_follows_the_yielded_events_and_a_new_subscription_after_it_continues_without_a_gap()
    {
        await using var broker = await InProcessBrokerHost.StartAsync();
        using var client = new NotifierClient(broker.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
        await client.AddAliasAsync("feed");
        using var timeout = new CancellationTokenSource(Patience);
        var subscription = client.SubscribeAsync(new SubscribeRequest { Aliases = { "feed" } }, timeout.Token);
        Assert.Null(subscription.ResumeAfter);

        Position stoppedAfter;
        await using (var events = subscription.GetAsyncEnumerator(timeout.Token))
        {
            Assert.True(await events.MoveNextAsync());
            Assert.Equal(Event.KindOneofCase.Open, events.Current.KindCase);
            Assert.Equal(events.Current.Position, subscription.ResumeAfter); // a live start: the head it opened at
            Assert.Equal(SubscribeRequest.StartOneofCase.None, subscription.StreamRequest.StartCase);

            var one = await client.SendAsync("feed", "one", cancellationToken: timeout.Token);
            Assert.True(await events.MoveNextAsync());
            Assert.Equal(one.Position, subscription.ResumeAfter);

            var two = await client.SendAsync("feed", "two", cancellationToken: timeout.Token);
            Assert.True(await events.MoveNextAsync());
            Assert.Equal(two.Position, subscription.ResumeAfter);
            stoppedAfter = subscription.ResumeAfter!;
        }

        // The caller's process "restarts": what came meanwhile is read from the saved position on.
        await client.SendAsync("feed", "three", cancellationToken: timeout.Token);
        var resumed = client.SubscribeAsync(new SubscribeRequest { Aliases = { "feed" }, After = stoppedAfter }, timeout.Token);
        Assert.Equal(stoppedAfter, resumed.ResumeAfter);
        await using var resumedEvents = resumed.GetAsyncEnumerator(timeout.Token);
        Assert.True(await resumedEvents.MoveNextAsync());
        Assert.True(resumedEvents.Current.Open.Recovered);
        Assert.Equal(stoppedAfter, resumed.ResumeAfter);
        Assert.True(await resumedEvents.MoveNextAsync());
        Assert.Equal("three", resumedEvents.Current.AliasMessage.Text);
        Assert.Equal(resumedEvents.Current.Position, resumed.ResumeAfter);
    }

    [Fact]
    public async Task After_a_reconnect_StreamRequest_is_the_resume_that_the_new_Open_answers()
    {
        await using var broker = await InProcessBrokerHost.StartAsync();
        using var client = new NotifierClient(broker.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
        await client.AddAliasAsync("feed");
        using var timeout = new CancellationTokenSource(Patience);
        var options = new SubscriptionOptions { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxReconnectAttempts = 50 };
        var subscription = client.SubscribeAsync(new SubscribeRequest { Aliases = { "feed" } }, options, timeout.Token);
        await using var events = subscription.GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        var sent = await client.SendAsync("feed", "before", cancellationToken: timeout.Token);
        Assert.True(await events.MoveNextAsync());

        await broker.Broker.StopAsync(timeout.Token);
        await broker.Broker.StartAsync(timeout.Token);
        Assert.True(await events.MoveNextAsync());

        Assert.Equal(Event.KindOneofCase.Open, events.Current.KindCase);
        Assert.True(events.Current.Open.Recovered);
        var reopenedWith = subscription.StreamRequest;
        Assert.Equal(SubscribeRequest.StartOneofCase.After, reopenedWith.StartCase);
        Assert.Equal(sent.Position, reopenedWith.After);
        Assert.Equal(["feed"], reopenedWith.Aliases);
        Assert.Equal(sent.Position, subscription.ResumeAfter);
    }

    [Fact]
    public async Task A_subscription_is_enumerated_one_at_a_time_and_each_enumeration_starts_from_the_original_request()
    {
        await using var broker = await InProcessBrokerHost.StartAsync();
        using var client = new NotifierClient(broker.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
        await client.AddAliasAsync("feed");
        using var timeout = new CancellationTokenSource(Patience);
        var subscription = client.SubscribeAsync(new SubscribeRequest { Aliases = { "feed" } }, timeout.Token);

        await using (var first = subscription.GetAsyncEnumerator(timeout.Token))
        {
            Assert.True(await first.MoveNextAsync());
            await client.SendAsync("feed", "one", cancellationToken: timeout.Token);
            Assert.True(await first.MoveNextAsync());

            await using var concurrent = subscription.GetAsyncEnumerator(timeout.Token);
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await concurrent.MoveNextAsync());
        }

        var two = await client.SendAsync("feed", "two", cancellationToken: timeout.Token);
        await using var again = subscription.GetAsyncEnumerator(timeout.Token);
        Assert.True(await again.MoveNextAsync());

        // A live start again, not a resume: "two" came before it and is not replayed.
        Assert.Equal(SubscribeRequest.StartOneofCase.None, subscription.StreamRequest.StartCase);
        Assert.Equal(again.Current.Position, subscription.ResumeAfter);
        Assert.Equal(two.Position, again.Current.Position);
    }
}
