using Google.Rpc;
using Grpc.Core;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Security;
using NotifyBroker.Server.Tests.TestSupport;
using static NotifyBroker.Server.Tests.Security.SecurityTestSupport;

namespace NotifyBroker.Server.Tests.Security;

/// <summary>Per-identity limits: calls (token bucket) and open streams (concurrency), each with RetryInfo where known.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Calls_over_the_burst_are_RESOURCE_EXHAUSTED_with_RetryInfo_and_other_identities_are_unaffected()
    {
        await using var host = await BrokerTestHost.StartAsync("Security:RateLimits:CallsPerSecond=1", "Security:RateLimits:CallBurst=2");
        var (channel, noisy) = ClientWith(host, await CreateKeyAsync(host, "noisy", BrokerScopes.Aliases));
        using var _ = channel;

        RpcException? refused = null;
        for (var i = 0; i < 10 && refused is null; i++)
        {
            try
            {
                await noisy.ListAliasesAsync(new ListAliasesRequest());
            }
            catch (RpcException error)
            {
                refused = error;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        var status = refused.GetRpcStatus();
        Assert.Equal("RATE_LIMITED", status?.GetDetail<ErrorInfo>()?.Reason);
        Assert.Equal("calls", status?.GetDetail<ErrorInfo>()?.Metadata["limit"]);
        Assert.True(status?.GetDetail<RetryInfo>()?.RetryDelay.ToTimeSpan() > TimeSpan.Zero);

        // The admin key is its own partition.
        await host.Client.ListAliasesAsync();
    }

    [Fact]
    public async Task A_second_stream_over_the_open_streams_limit_is_refused_and_allowed_once_the_first_ends()
    {
        await using var host = await BrokerTestHost.StartAsync("Security:RateLimits:OpenStreams=1");
        var (channel, watcher) = ClientWith(host, await CreateKeyAsync(host, "watcher", BrokerScopes.Subscribe));
        using var _ = channel;

        using (var first = Streams.Subscribe(watcher, new SubscribeRequest()))
        {
            await first.OpenAsync();
            var info = await FailsWithAsync(StatusCode.ResourceExhausted, () => FirstEventAsync(watcher, new SubscribeRequest()));
            Assert.Equal("open_streams", info.Metadata["limit"]);
        }

        // The first stream's lease goes when its call ends on the server: poll until a new one is let in.
        using var guard = new CancellationTokenSource(Streams.Patience);
        while (true)
        {
            try
            {
                await FirstEventAsync(watcher, new SubscribeRequest());
                break;
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.ResourceExhausted && !guard.IsCancellationRequested)
            {
                await Task.Delay(20);
            }
        }
    }
}
