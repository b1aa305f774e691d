namespace NotifyBroker.Core.Engine;

/// <summary>
/// Implemented by an engine that depends on a shared store which can become unreachable (e.g. Redis): the host turns
/// health NOT_SERVING while <see cref="IsAvailable"/> is false. An engine without it is always available.
/// </summary>
public interface IEngineAvailability
{
    /// <summary>Whether the engine can accept and deliver events right now.</summary>
    bool IsAvailable { get; }

    /// <summary>Raised (on the engine's own thread) whenever <see cref="IsAvailable"/> changes.</summary>
    event EventHandler? AvailabilityChanged;
}
