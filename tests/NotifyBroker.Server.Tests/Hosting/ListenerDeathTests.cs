using Grpc.Core;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.DependencyInjection;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Tests.TestSupport;

namespace NotifyBroker.Server.Tests.Hosting;

using ServingStatus = HealthCheckResponse.Types.ServingStatus;

/// <summary>
/// When the desktop's listener dies, the host says so: health NOT_SERVING (for the server and every service) and
/// Broadcast UNAVAILABLE with NERR_MsgNotStarted, never OK with nothing delivered. Sends still work.
/// </summary>
public sealed class ListenerDeathTests
{
    private static async Task<ServingStatus> HealthAsync(BrokerTestHost host, string service) =>
        (await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest { Service = service })).Status;

    [Theory]
    [InlineData("")]
    [InlineData("notify.v1.Notifier")]
    public async Task Health_turns_NOT_SERVING_when_the_listener_dies(string service)
    {
        await using var host = await BrokerTestHost.StartAsync();
        Assert.Equal(ServingStatus.Serving, await HealthAsync(host, service));

        Assert.True(host.Desktop.SimulateListenerLoss("its thread ended"));

        Assert.Equal(ServingStatus.NotServing, await HealthAsync(host, service));
    }

    [Fact]
    public async Task A_health_watcher_hears_NOT_SERVING_at_once()
    {
        await using var host = await BrokerTestHost.StartAsync();
        using var timeout = new CancellationTokenSource(Streams.Patience);
        using var watch = new Health.HealthClient(host.Channel).Watch(new HealthCheckRequest { Service = "" }, cancellationToken: timeout.Token);
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(ServingStatus.Serving, watch.ResponseStream.Current.Status);

        host.Desktop.SimulateListenerLoss();

        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(ServingStatus.NotServing, watch.ResponseStream.Current.Status);
    }

    [Fact]
    public async Task Broadcast_answers_UNAVAILABLE_with_NERR_MsgNotStarted_once_the_listener_died()
    {
        await using var host = await BrokerTestHost.StartAsync();
        Assert.True((await host.Client.BroadcastAsync(new BroadcastRequest { RegisteredName = "NotifyBroker.Before" })).Result > 0);

        host.Desktop.SimulateListenerLoss("its window was destroyed");
        var failure = await Streams.FailureOf(() => host.Client.BroadcastAsync(new BroadcastRequest { RegisteredName = "NotifyBroker.After" }));

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Equal(2284, failure.Win32Code);
        Assert.Equal("NERR_MsgNotStarted", failure.SymbolicName);
        Assert.Contains("its window was destroyed", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sends_and_streams_still_work_after_the_listener_died()
    {
        await using var host = await BrokerTestHost.StartAsync();
        host.Desktop.SimulateListenerLoss();

        await BrokerAssert.ServesAsync(host);
    }

    [Fact]
    public async Task Health_stays_NOT_SERVING_when_the_host_stops_after_a_listener_death()
    {
        var host = await BrokerTestHost.StartAsync();
        try
        {
            host.Desktop.SimulateListenerLoss();
            var health = host.Services.GetRequiredService<HealthServiceImpl>();

            await host.StopAsync();

            var stopped = await health.Check(new HealthCheckRequest { Service = "" }, context: null!);
            Assert.Equal(ServingStatus.NotServing, stopped.Status);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
