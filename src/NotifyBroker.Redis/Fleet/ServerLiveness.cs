namespace NotifyBroker.Redis.Fleet;

/// <summary>What the registry knows of a server name.</summary>
public enum ServerLiveness
{
    /// <summary>Never registered in this fleet: NERR_InvalidComputer.</summary>
    Unknown,

    /// <summary>Registered once, its lease has lapsed: UNAVAILABLE.</summary>
    Dead,

    /// <summary>Its heartbeat is fresh: calls route to it.</summary>
    Live,
}
