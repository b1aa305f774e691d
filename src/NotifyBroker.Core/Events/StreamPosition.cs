namespace NotifyBroker.Core.Events;

/// <summary>
/// A place in the broker's history: <see cref="Offset"/> grows by one per accepted event (the first event is 1, so
/// offset 0 means "before anything"), and <see cref="Epoch"/> names the history it belongs to, so a position from a
/// previous broker run is recognised as such instead of being misread.
/// </summary>
public readonly record struct StreamPosition(ulong Offset, string Epoch)
{
    public override string ToString() => $"{Offset}@{Epoch}";
}
