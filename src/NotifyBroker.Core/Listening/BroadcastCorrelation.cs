using System.Diagnostics;

namespace NotifyBroker.Core.Listening;

/// <summary>
/// What the broker's own Broadcast hands through the desktop (<see cref="Desktop.BroadcastCommand.Correlation"/>) to
/// its listener: the broadcast's trace context, to link the receive span to, and when the broadcast call arrived.
/// </summary>
internal sealed record BroadcastCorrelation(ActivityContext BroadcastContext, DateTimeOffset SentAt);
