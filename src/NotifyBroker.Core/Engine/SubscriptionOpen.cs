using NotifyBroker.Core.Events;

namespace NotifyBroker.Core.Engine;

/// <summary>The first thing a subscription reports.</summary>
/// <param name="Current">The newest event's position when the subscription opened.</param>
/// <param name="Oldest">The oldest event history held then (equal to Current when history was empty).</param>
/// <param name="Recovered">
/// True when the requested start (a position or a time) is replayed without a gap. False for a live start, and when
/// history no longer holds (or never held) what was asked for: after a position outside history the stream then
/// replays nothing and goes live from <paramref name="Current"/>; after a time it replays what history still holds,
/// and False says that this is not everything.
/// </param>
public readonly record struct SubscriptionOpen(StreamPosition Current, StreamPosition Oldest, bool Recovered);
