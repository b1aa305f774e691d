using NotifyBroker.Core.Events;

namespace NotifyBroker.Core.Listening;

/// <summary>
/// A window message the listener received that never reached history, so no subscriber will see it. When
/// <see cref="Origin"/> is <see cref="WindowMessageOrigin.BroadcastRpc"/>, the Broadcast caller was already told the
/// message was delivered: the host must report this loudly (the core has no logger of its own). A message dropped for
/// its size has <see cref="Error"/> = <see cref="Errors.BrokerException"/> with details "limit" = "max_event_bytes",
/// "max_bytes" and "event_bytes" (<see cref="EventSize.TooLarge"/>).
/// </summary>
/// <param name="MessageId">The window message id the listener received.</param>
/// <param name="Origin">Whether it came from this broker's Broadcast call or from another program.</param>
/// <param name="Error">Why publishing it failed.</param>
public sealed record ListenerPublishFailure(uint MessageId, WindowMessageOrigin Origin, Exception Error);
