using NotifyBroker.Core.Events;

namespace NotifyBroker.Core.Engine;

/// <summary>What history holds.</summary>
/// <param name="Current">The newest event's position (offset 0 before the first event).</param>
/// <param name="Oldest">The oldest event still held; equal to <paramref name="Current"/> when history is empty.</param>
/// <param name="Count">How many events history holds.</param>
public readonly record struct HistoryState(StreamPosition Current, StreamPosition Oldest, int Count);
