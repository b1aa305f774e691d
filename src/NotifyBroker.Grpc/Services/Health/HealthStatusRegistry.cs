using System.Threading.Channels;
using NotifyBroker.Grpc.Health.V1;

namespace NotifyBroker.Grpc.Services.Health;

using ServingStatus = HealthCheckResponse.Types.ServingStatus;

/// <summary>
/// The serving status of each service name the host registered, "" being the whole server (doc/health-checking.md).
/// The host sets the statuses; <see cref="HealthService"/> reads them and streams their changes to watchers.
/// Thread-safe.
/// </summary>
public sealed class HealthStatusRegistry
{
    /// <summary>The key of the server's overall health.</summary>
    public const string Server = "";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Channel<ServingStatus>>> _watchers = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="service"/> with <paramref name="status"/>, or changes its status.</summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (status is ServingStatus.ServiceUnknown)
        {
            // SERVICE_UNKNOWN means "not registered": it is what Watch reports after ClearStatus, never a stored state.
            throw new ArgumentException("SERVICE_UNKNOWN is not a status to set; use ClearStatus.", nameof(status));
        }

        lock (_gate)
        {
            _statuses[service] = status;
            Notify(service, status);
        }
    }

    /// <summary>Unregisters <paramref name="service"/>: Check answers NOT_FOUND, Watch streams SERVICE_UNKNOWN.</summary>
    public void ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_gate)
        {
            if (_statuses.Remove(service))
            {
                Notify(service, ServingStatus.ServiceUnknown);
            }
        }
    }

    /// <summary>Sets every registered service NOT_SERVING, e.g. when the host starts shutting down.</summary>
    public void SetAllNotServing()
    {
        lock (_gate)
        {
            foreach (var service in _statuses.Keys.ToArray())
            {
                _statuses[service] = ServingStatus.NotServing;
                Notify(service, ServingStatus.NotServing);
            }
        }
    }

    /// <summary>How many watches are open (for tests: a finished Watch call must not leave one behind).</summary>
    internal int WatchCount
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Values.Sum(list => list.Count);
            }
        }
    }

    /// <summary>The status of <paramref name="service"/>, or false when it is not registered.</summary>
    public bool TryGetStatus(string service, out ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_gate)
        {
            return _statuses.TryGetValue(service, out status);
        }
    }

    /// <summary>
    /// Starts watching <paramref name="service"/>: the returned reader yields its current status at once (SERVICE_UNKNOWN
    /// when unregistered) and then each newly set status. Dispose the watch to stop.
    /// </summary>
    public HealthWatch Watch(string service)
    {
        ArgumentNullException.ThrowIfNull(service);

        // Capacity 1, drop-oldest: a watcher only needs the latest status, so a slow reader never makes SetStatus
        // block or queue up states that are already stale.
        var channel = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = false,
        });

        lock (_gate)
        {
            // Current status and subscription under one lock, so no change can fall between them.
            channel.Writer.TryWrite(_statuses.TryGetValue(service, out var current) ? current : ServingStatus.ServiceUnknown);
            if (!_watchers.TryGetValue(service, out var list))
            {
                list = [];
                _watchers[service] = list;
            }

            list.Add(channel);
        }

        return new HealthWatch(channel.Reader, () => Unwatch(service, channel));
    }

    private void Unwatch(string service, Channel<ServingStatus> channel)
    {
        lock (_gate)
        {
            if (_watchers.TryGetValue(service, out var list) && list.Remove(channel) && list.Count == 0)
            {
                _watchers.Remove(service);
            }
        }

        channel.Writer.TryComplete();
    }

    // Called under _gate so that watchers see changes in the order they were made.
    private void Notify(string service, ServingStatus status)
    {
        if (_watchers.TryGetValue(service, out var list))
        {
            foreach (var channel in list)
            {
                channel.Writer.TryWrite(status);
            }
        }
    }
}
