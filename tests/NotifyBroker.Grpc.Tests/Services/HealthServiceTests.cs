using Google.Protobuf.Reflection;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Grpc.Health.V1;
using NotifyBroker.Grpc.Services.Health;

namespace NotifyBroker.Grpc.Tests.Services;

using ServingStatus = HealthCheckResponse.Types.ServingStatus;

/// <summary>grpc.health.v1.Health over a real server and our client.</summary>
public sealed class HealthServiceTests : IAsyncLifetime
{
    private static readonly ServiceDescriptor Descriptor = HealthReflection.Descriptor.Services.Single();
    private static readonly Method<HealthCheckRequest, HealthCheckResponse> Check =
        MethodLookup.Find<HealthCheckRequest, HealthCheckResponse>(Descriptor, "Check");
    private static readonly Method<HealthCheckRequest, HealthCheckResponse> Watch =
        MethodLookup.Find<HealthCheckRequest, HealthCheckResponse>(Descriptor, "Watch");

    /// <summary>Guards against hangs only.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private ServicesTestServer _server = null!;

    public async Task InitializeAsync() => _server = await ServicesTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Check_answers_the_status_of_the_server_and_of_each_registered_service()
    {
        _server.Health.SetStatus(HealthStatusRegistry.Server, ServingStatus.Serving);
        _server.Health.SetStatus("notify.v1.Notifier", ServingStatus.NotServing);

        var server = await _server.Channel.UnaryAsync(Check, new HealthCheckRequest(), Guarded());
        var notifier = await _server.Channel.UnaryAsync(Check, new HealthCheckRequest { Service = "notify.v1.Notifier" }, Guarded());

        Assert.Equal(ServingStatus.Serving, server.Status);
        Assert.Equal(ServingStatus.NotServing, notifier.Status);
    }

    [Fact]
    public async Task Check_of_an_unregistered_service_is_not_found()
    {
        _server.Health.SetStatus(HealthStatusRegistry.Server, ServingStatus.Serving);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _server.Channel.UnaryAsync(Check, new HealthCheckRequest { Service = "no.Such" }, Guarded()));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Watch_sends_the_current_status_then_each_change_but_not_repeats()
    {
        _server.Health.SetStatus("svc", ServingStatus.Serving);
        using var call = _server.Channel.ServerStreaming(Watch, new HealthCheckRequest { Service = "svc" }, Guarded());

        Assert.Equal(ServingStatus.Serving, await NextStatusAsync(call));

        _server.Health.SetStatus("svc", ServingStatus.NotServing);
        Assert.Equal(ServingStatus.NotServing, await NextStatusAsync(call));

        // Setting the same status again is no change; the next message is the next real change.
        _server.Health.SetStatus("svc", ServingStatus.NotServing);
        _server.Health.SetStatus("svc", ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, await NextStatusAsync(call));

        _server.Health.SetAllNotServing();
        Assert.Equal(ServingStatus.NotServing, await NextStatusAsync(call));
    }

    [Fact]
    public async Task Watch_of_an_unregistered_service_reports_service_unknown_and_stays_open()
    {
        using var call = _server.Channel.ServerStreaming(Watch, new HealthCheckRequest { Service = "later" }, Guarded());

        Assert.Equal(ServingStatus.ServiceUnknown, await NextStatusAsync(call));

        _server.Health.SetStatus("later", ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, await NextStatusAsync(call));
    }

    [Fact]
    public async Task Watch_ends_when_the_client_cancels_and_leaves_no_watch_behind()
    {
        using var cancellation = new CancellationTokenSource();
        using var call = _server.Channel.ServerStreaming(
            Watch, new HealthCheckRequest { Service = "" }, Guarded(cancellation.Token));
        Assert.Equal(ServingStatus.ServiceUnknown, await NextStatusAsync(call));
        Assert.Equal(1, _server.Health.WatchCount);

        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        var giveUp = DateTime.UtcNow + HangGuard;
        while (_server.Health.WatchCount != 0 && DateTime.UtcNow < giveUp)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, _server.Health.WatchCount);
    }

    private static CallOptions Guarded(CancellationToken cancellationToken = default) =>
        CallOptions.WithTimeout(HangGuard, cancellationToken);

    private static async Task<ServingStatus> NextStatusAsync(AsyncServerStreamingCall<HealthCheckResponse> call)
    {
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return call.ResponseStream.Current.Status;
    }
}
