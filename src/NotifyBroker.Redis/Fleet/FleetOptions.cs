namespace NotifyBroker.Redis.Fleet;

/// <summary>"Fleet": how brokers on one Redis find each other and route calls. Used when "Broker:Engine" is "Redis".</summary>
public sealed class FleetOptions
{
    public const string SectionName = "Fleet";

    /// <summary>How often a broker renews its registration.</summary>
    public int HeartbeatIntervalMilliseconds { get; set; } = 1000;

    /// <summary>How long a registration lives without a heartbeat; after that the broker is dead (UNAVAILABLE).</summary>
    public int LeaseMilliseconds { get; set; } = 5000;

    /// <summary>How long a routed call without a deadline waits for its reply before it is UNAVAILABLE (a hang guard).</summary>
    public int RouteTimeoutMilliseconds { get; set; } = 30000;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(HeartbeatIntervalMilliseconds, 50, nameof(HeartbeatIntervalMilliseconds));
        ArgumentOutOfRangeException.ThrowIfLessThan(LeaseMilliseconds, HeartbeatIntervalMilliseconds * 2, nameof(LeaseMilliseconds));
        ArgumentOutOfRangeException.ThrowIfLessThan(RouteTimeoutMilliseconds, 100, nameof(RouteTimeoutMilliseconds));
    }
}
