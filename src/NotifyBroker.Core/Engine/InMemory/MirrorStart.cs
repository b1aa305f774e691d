namespace NotifyBroker.Core.Engine.InMemory;

/// <summary>Where a mirror of a shared history starts.</summary>
/// <param name="Epoch">The shared history's epoch.</param>
/// <param name="StartAfter">The offset just before the first event the mirror will receive (the shared head when it holds nothing).</param>
/// <param name="StartedAt">
/// The earliest time from which the mirror can claim to hold everything: a "since" start before it is not
/// recovered. The epoch's start when the mirror begins with the shared history's first event ever, else the time of
/// the first event it receives.
/// </param>
public readonly record struct MirrorStart(string Epoch, ulong StartAfter, DateTimeOffset StartedAt);
