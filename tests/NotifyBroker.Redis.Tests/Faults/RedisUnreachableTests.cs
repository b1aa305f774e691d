using Grpc.Core;
using NotifyBroker.Client;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Redis.Tests.TestSupport;
using Xunit.Abstractions;
using static NotifyBroker.Redis.Tests.TestSupport.Feed;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace NotifyBroker.Redis.Tests.Faults;

/// <summary>
/// Redis taken away under a running broker (SIGKILL of redis-server) and brought back on the same port, with its
/// append-only file: what the SDK sees while it is away (UNAVAILABLE with ErrorInfo, streams ending with their resume
/// position, health NOT_SERVING) and that everything recovers without a broker restart, history and epoch intact.
/// </summary>
[Trait("Category", "Redis")]
public sealed class RedisUnreachableTests(ITestOutputHelper log)
{
    [Fact]
    public async Task While_Redis_is_down_calls_get_UNAVAILABLE_streams_end_with_their_position_and_health_is_NOT_SERVING_and_all_recovers_when_it_is_back()
    {
        await using var fleet = await RedisFleet.StartAsync(["a"], persistent: true);
        using var timeout = new CancellationTokenSource(Patience);
        var address = fleet["a"].Address;
        using var client = fleet.Client("a");
        await client.AddAliasAsync(Alias, timeout.Token);
        Assert.Equal(ServingStatus.Serving, await HealthAsync(address, timeout.Token));

        var subscription = client.SubscribeAsync(new SubscribeRequest { Aliases = { Alias } }, new SubscriptionOptions { AutoResume = false }, timeout.Token);
        await using var events = subscription.GetAsyncEnumerator(timeout.Token);
        await NextAsync(events);
        var sent = await Feed.SendAsync(client, 0, 5, timeout.Token);
        var seen = await ReadThroughAsync(events, 4);

        fleet.Redis.Kill();

        // The stream ends UNAVAILABLE, ENGINE_UNAVAILABLE, with the position to resume after.
        var ended = await Assert.ThrowsAsync<NotifyException>(async () => await NextAsync(events));
        log.WriteLine($"stream: {ended.StatusCode} {ended.SymbolicName}: {ended.Message}");
        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        Assert.Equal("ENGINE_UNAVAILABLE", ended.SymbolicName);
        Assert.Equal(seen[^1].Position, ended.ResumeAfter);

        await WaitForHealthAsync(address, ServingStatus.NotServing, timeout.Token);

        var send = await Assert.ThrowsAsync<NotifyException>(() => client.SendAsync(Alias, "while away", cancellationToken: timeout.Token));
        log.WriteLine($"send: {send.StatusCode} {send.SymbolicName}: {send.Message}");
        Assert.Equal(StatusCode.Unavailable, send.StatusCode);
        Assert.Equal("ERROR_NOT_READY", send.SymbolicName);
        Assert.Equal(21, send.Win32Code);
        Assert.Contains("Redis", send.Message, StringComparison.Ordinal);
        Assert.Equal("redis", send.ErrorInfo!.Metadata["engine"]);

        var subscribe = await Assert.ThrowsAsync<NotifyException>(async () =>
        {
            var refused = client.SubscribeAsync(new SubscribeRequest { Aliases = { Alias } }, new SubscriptionOptions { AutoResume = false }, timeout.Token);
            await foreach (var _ in refused.WithCancellation(timeout.Token))
            {
            }
        });
        Assert.Equal(StatusCode.Unavailable, subscribe.StatusCode);
        Assert.Equal("ERROR_NOT_READY", subscribe.SymbolicName);

        // Back, with its append-only file: the same epoch and history, without restarting the broker.
        fleet.Redis.Restart();
        await WaitForHealthAsync(address, ServingStatus.Serving, timeout.Token);
        var after = await client.SendAsync(Alias, Text(5), cancellationToken: timeout.Token);
        Assert.Equal(sent[^1].Position.Epoch, after.Position.Epoch);
        Assert.Equal(sent[^1].Position.Offset + 1, after.Position.Offset);

        var resumed = client.SubscribeAsync(new SubscribeRequest { Aliases = { Alias }, After = sent[1].Position }, timeout.Token);
        await using var again = resumed.GetAsyncEnumerator(timeout.Token);
        Assert.True((await NextAsync(again)).Open.Recovered);
        Assert.Equal(Enumerable.Range(2, 4).Select(Text), (await ReadThroughAsync(again, 5)).Select(e => e.AliasMessage.Text));
    }

    [Fact]
    public async Task A_broker_started_while_Redis_is_down_is_NOT_SERVING_and_answers_UNAVAILABLE_until_Redis_comes_up()
    {
        await using var fleet = await RedisFleet.StartAsync(["a"], persistent: true);
        using var timeout = new CancellationTokenSource(Patience);
        fleet.Redis.Kill();
        var broker = await fleet.RestartAsync("a");
        await WaitForHealthAsync(broker.Address, ServingStatus.NotServing, timeout.Token);
        using var client = fleet.Client("a");
        await client.AddAliasAsync(Alias, timeout.Token);
        var send = await Assert.ThrowsAsync<NotifyException>(() => client.SendAsync(Alias, "too early", cancellationToken: timeout.Token));
        Assert.Equal(StatusCode.Unavailable, send.StatusCode);

        fleet.Redis.Restart();
        await WaitForHealthAsync(broker.Address, ServingStatus.Serving, timeout.Token);
        var reply = await client.SendAsync(Alias, Text(0), cancellationToken: timeout.Token);
        Assert.Equal(1UL, reply.Position.Offset);
    }
}
