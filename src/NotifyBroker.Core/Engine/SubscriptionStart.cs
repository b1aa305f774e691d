using NotifyBroker.Core.Events;

namespace NotifyBroker.Core.Engine;

/// <summary>Where a subscription starts: live from now, after a position, or at a time.</summary>
public readonly record struct SubscriptionStart
{
    private SubscriptionStart(StreamPosition? after, DateTimeOffset? since)
    {
        AfterPosition = after;
        SinceTime = since;
    }

    /// <summary>Only events accepted from now on.</summary>
    public static SubscriptionStart Live => default;

    /// <summary>Resume after <paramref name="position"/>, the last event the subscriber saw.</summary>
    public static SubscriptionStart After(StreamPosition position) => new(position, null);

    /// <summary>Replay what history holds from <paramref name="time"/> on, then go live.</summary>
    public static SubscriptionStart Since(DateTimeOffset time) => new(null, time);

    public StreamPosition? AfterPosition { get; }

    public DateTimeOffset? SinceTime { get; }

    public bool IsLive => AfterPosition is null && SinceTime is null;
}
