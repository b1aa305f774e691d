using NotifyBroker.Core.Events;

namespace NotifyBroker.Core.Subscriptions;

/// <summary>
/// What a subscriber asks for. Filters: an event passes when it matches any of them; with none at all, every event
/// passes. Held aliases exist in the name table while the subscription is open, receive Sends, and are filters too.
/// At most one of <see cref="After"/> and <see cref="Since"/>; neither means live from now.
/// </summary>
public sealed record SubscriptionRequest
{
    public IReadOnlyList<uint> MessageIds { get; init; } = [];

    public IReadOnlyList<MessageRange> MessageRanges { get; init; } = [];

    /// <summary>Registered window message names (case-insensitive).</summary>
    public IReadOnlyList<string> RegisteredNames { get; init; } = [];

    /// <summary>Aliases whose messages to receive (case-insensitive).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Aliases to hold for the subscription's lifetime.</summary>
    public IReadOnlyList<string> HoldAliases { get; init; } = [];

    /// <summary>Resume after this position (the last event the subscriber saw).</summary>
    public StreamPosition? After { get; init; }

    /// <summary>Replay what history holds from this time on.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Who asks; null is <see cref="Security.Caller.Operator"/> (code in the broker's own process).</summary>
    public Security.Caller? Caller { get; init; }
}
