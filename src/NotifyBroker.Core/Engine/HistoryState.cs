using NotifyBroker.Core.Events;

namespace NotifyBroker.Core.Engine;

/// <summary>What history holds.</summary>
/// <param name="Current">The newest event's position (offset 0 before the first event).</param>
/// <param name="Oldest">The oldest event still held; equal to <paramref name="Current"/> when history is empty.</param>
/// <param name="Count">How many events history holds.</param>
/// <param name="Bytes">
/// How many bytes those events take, counted as <see cref="BrokerEvent.ByteSize"/> (their encoded size, estimated from
/// above); never more than the history's byte bound. 0 from an engine that does not count them.
/// </param>
public readonly record struct HistoryState(StreamPosition Current, StreamPosition Oldest, int Count, long Bytes = 0);
