using System.Threading.Channels;
using NotifyBroker.Grpc.Health.V1;

namespace NotifyBroker.Grpc.Services.Health;

/// <summary>A subscription to one service's status; see <see cref="HealthStatusRegistry.Watch"/>.</summary>
public sealed class HealthWatch : IDisposable
{
    private readonly Action _unsubscribe;
    private int _disposed;

    internal HealthWatch(ChannelReader<HealthCheckResponse.Types.ServingStatus> statuses, Action unsubscribe)
    {
        Statuses = statuses;
        _unsubscribe = unsubscribe;
    }

    /// <summary>The current status first, then each change (only the latest one if the reader falls behind).</summary>
    public ChannelReader<HealthCheckResponse.Types.ServingStatus> Statuses { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _unsubscribe();
        }
    }
}
