using NotifyBroker.Grpc.Health.V1;
using NotifyBroker.Grpc.Services.Health;

namespace NotifyBroker.Grpc.Tests.Services;

using ServingStatus = HealthCheckResponse.Types.ServingStatus;

public sealed class HealthStatusRegistryTests
{
    private readonly HealthStatusRegistry _registry = new();

    [Fact]
    public void Only_registered_names_have_a_status()
    {
        _registry.SetStatus(HealthStatusRegistry.Server, ServingStatus.Serving);
        _registry.SetStatus("a.B", ServingStatus.NotServing);

        Assert.True(_registry.TryGetStatus("", out var server));
        Assert.Equal(ServingStatus.Serving, server);
        Assert.True(_registry.TryGetStatus("a.B", out var b));
        Assert.Equal(ServingStatus.NotServing, b);
        Assert.False(_registry.TryGetStatus("a.b", out _)); // names are case-sensitive
    }

    [Fact]
    public void Service_unknown_cannot_be_set_because_it_means_unregistered()
    {
        Assert.Throws<ArgumentException>(() => _registry.SetStatus("x", ServingStatus.ServiceUnknown));
    }

    [Fact]
    public void A_watch_starts_with_the_current_status_then_sees_each_change_and_clearing()
    {
        _registry.SetStatus("svc", ServingStatus.Serving);
        using var watch = _registry.Watch("svc");

        Assert.True(watch.Statuses.TryRead(out var current));
        Assert.Equal(ServingStatus.Serving, current);
        Assert.False(watch.Statuses.TryRead(out _));

        _registry.SetStatus("svc", ServingStatus.NotServing);
        Assert.True(watch.Statuses.TryRead(out var changed));
        Assert.Equal(ServingStatus.NotServing, changed);

        _registry.ClearStatus("svc");
        Assert.True(watch.Statuses.TryRead(out var cleared));
        Assert.Equal(ServingStatus.ServiceUnknown, cleared);
        Assert.False(_registry.TryGetStatus("svc", out _));
    }

    [Fact]
    public void Watching_an_unregistered_name_reports_service_unknown_and_then_its_registration()
    {
        using var watch = _registry.Watch("later");
        Assert.True(watch.Statuses.TryRead(out var first));
        Assert.Equal(ServingStatus.ServiceUnknown, first);

        _registry.SetStatus("later", ServingStatus.Serving);
        Assert.True(watch.Statuses.TryRead(out var registered));
        Assert.Equal(ServingStatus.Serving, registered);
    }

    [Fact]
    public void A_slow_watcher_keeps_only_the_latest_status()
    {
        using var watch = _registry.Watch("svc");
        _registry.SetStatus("svc", ServingStatus.Serving);
        _registry.SetStatus("svc", ServingStatus.NotServing);

        Assert.True(watch.Statuses.TryRead(out var latest));
        Assert.Equal(ServingStatus.NotServing, latest);
        Assert.False(watch.Statuses.TryRead(out _));
    }

    [Fact]
    public void Shutdown_sets_every_registered_service_not_serving_and_tells_watchers()
    {
        _registry.SetStatus("", ServingStatus.Serving);
        _registry.SetStatus("a", ServingStatus.Serving);
        using var watch = _registry.Watch("a");
        watch.Statuses.TryRead(out _);

        _registry.SetAllNotServing();

        Assert.True(_registry.TryGetStatus("", out var server));
        Assert.Equal(ServingStatus.NotServing, server);
        Assert.True(watch.Statuses.TryRead(out var a));
        Assert.Equal(ServingStatus.NotServing, a);
    }

    [Fact]
    public void A_disposed_watch_completes_and_gets_nothing_more()
    {
        var watch = _registry.Watch("svc");
        watch.Statuses.TryRead(out _);

        watch.Dispose();
        _registry.SetStatus("svc", ServingStatus.Serving);

        Assert.False(watch.Statuses.TryRead(out _));
        Assert.True(watch.Statuses.Completion.IsCompleted);
    }
}
