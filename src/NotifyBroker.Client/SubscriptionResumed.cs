using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Client;

/// <summary>
/// What the Open event of a stream that asked to resume (after a position, or since a time) says about the events in
/// between: whether it lost none (<see cref="Recovered"/>), and how many it lost when the positions tell.
/// <list type="bullet">
/// <item>Resumed after a position of the same history (epoch) that history no longer holds: the stream skips every
/// event after <see cref="ResumedAfter"/> up to <see cref="StartsAt"/>, so <see cref="LostEvents"/> is exact. It counts
/// the broker's events of every kind, before this subscription's filters: at most that many of its own were lost.</item>
/// <item>Resumed after a position of another epoch (the broker restarted, its history with it):
/// <see cref="HistoryRestarted"/>, and <see cref="LostEvents"/> is null because how many events the old broker
/// accepted after that position died with it. <see cref="LostSinceRestart"/> counts the new history's events that
/// this stream skips as well.</item>
/// <item>Replayed since a time that history no longer fully holds: null, since evicted events leave no count.</item>
/// </list>
/// Build one from any stream's request and Open with <see cref="FromOpen"/>; a resuming subscription reports one per
/// stream through <see cref="SubscriptionOptions.OnResumed"/> and <see cref="NotifierSubscription.LastResume"/>.
/// </summary>
public sealed record SubscriptionResumed
{
    /// <summary>How the stream was asked to start: <see cref="SubscribeRequest.StartOneofCase.After"/> or <see cref="SubscribeRequest.StartOneofCase.Since"/>.</summary>
    public required SubscribeRequest.StartOneofCase Start { get; init; }

    /// <summary>The position the stream was asked to resume after (an <c>after</c> start), else null.</summary>
    public Position? ResumedAfter { get; init; }

    /// <summary>The time the stream was asked to replay from (a <c>since</c> start), else null.</summary>
    public Timestamp? Since { get; init; }

    /// <summary>The Open event's position: the newest event in history when the stream opened (it goes live after it unless it replays).</summary>
    public required Position StartsAt { get; init; }

    /// <summary>The oldest event history held when the stream opened (<see cref="StartsAt"/> when it was empty).</summary>
    public required Position Oldest { get; init; }

    /// <summary>Open.recovered: true when the stream continues without a gap.</summary>
    public required bool Recovered { get; init; }

    /// <summary>True when <see cref="ResumedAfter"/> belongs to another epoch than the broker's current history: the broker restarted.</summary>
    public bool HistoryRestarted { get; init; }

    /// <summary>
    /// How many events the stream skipped, when that is knowable: 0 when <see cref="Recovered"/>; the gap between
    /// <see cref="ResumedAfter"/> and <see cref="StartsAt"/> in the same epoch (the broker's events of every kind, so an
    /// upper bound of this subscription's own); null when it cannot be known (<see cref="HistoryRestarted"/>, or a
    /// <c>since</c> replay that history no longer fully holds).
    /// </summary>
    public ulong? LostEvents { get; init; }

    /// <summary>
    /// After a restart (<see cref="HistoryRestarted"/>), the events the restarted broker had accepted before this stream
    /// opened, which it skips too (counted like <see cref="LostEvents"/>); 0 otherwise. The old history's part stays unknown.
    /// </summary>
    public ulong LostSinceRestart { get; init; }

    /// <summary>True when the stream was opened by an automatic reconnect, false for the subscription's first stream.</summary>
    public bool IsReconnect { get; init; }

    /// <summary>
    /// What <paramref name="open"/> says about the resume that <paramref name="streamRequest"/> asked for; null when the
    /// request did not ask to resume (a live start) or <paramref name="open"/> is not an Open event.
    /// </summary>
    /// <param name="streamRequest">The request of the stream the Open came from (see <see cref="NotifierSubscription.StreamRequest"/>).</param>
    /// <param name="open">The stream's first event.</param>
    /// <param name="isReconnect">Whether an automatic reconnect opened the stream.</param>
    public static SubscriptionResumed? FromOpen(SubscribeRequest streamRequest, Event open, bool isReconnect = false)
    {
        ArgumentNullException.ThrowIfNull(streamRequest);
        ArgumentNullException.ThrowIfNull(open);
        if (open.KindCase != Event.KindOneofCase.Open || streamRequest.StartCase == SubscribeRequest.StartOneofCase.None)
        {
            return null;
        }

        var startsAt = open.Position?.Clone() ?? new Position();
        var oldest = open.Open.Oldest?.Clone() ?? startsAt.Clone();
        var recovered = open.Open.Recovered;
        if (streamRequest.StartCase == SubscribeRequest.StartOneofCase.Since)
        {
            return new SubscriptionResumed
            {
                Start = SubscribeRequest.StartOneofCase.Since,
                Since = streamRequest.Since.Clone(),
                StartsAt = startsAt,
                Oldest = oldest,
                Recovered = recovered,
                LostEvents = recovered ? 0 : null,
                IsReconnect = isReconnect,
            };
        }

        var after = streamRequest.After.Clone();
        var restarted = !string.Equals(after.Epoch, startsAt.Epoch, StringComparison.Ordinal);
        ulong? lost = recovered ? 0
            : restarted || after.Offset > startsAt.Offset ? null
            : startsAt.Offset - after.Offset;
        return new SubscriptionResumed
        {
            Start = SubscribeRequest.StartOneofCase.After,
            ResumedAfter = after,
            StartsAt = startsAt,
            Oldest = oldest,
            Recovered = recovered,
            HistoryRestarted = restarted && !recovered,

            // Offsets count from 1 in every epoch: the new history's events up to the head are skipped too.
            LostSinceRestart = restarted && !recovered ? startsAt.Offset : 0,
            LostEvents = lost,
            IsReconnect = isReconnect,
        };
    }

    /// <summary>
    /// One line for a log or a terminal, starting "recovered=true" or "recovered=false", e.g.
    /// "recovered=false: the broker restarted (epoch 5f0c… is gone, now 9a1b…): how many events after 4@5f0c… were lost
    /// cannot be known; live from 0@9a1b…".
    /// </summary>
    public string Describe()
    {
        var head = Format(StartsAt);
        switch (Start)
        {
            case SubscribeRequest.StartOneofCase.After when Recovered:
                return $"recovered=true: resumed after {Format(ResumedAfter)} without a gap";
            case SubscribeRequest.StartOneofCase.After when HistoryRestarted:
                var since = LostSinceRestart > 0
                    ? string.Create(CultureInfo.InvariantCulture, $", and the {Count(LostSinceRestart)} the restarted broker accepted before this stream opened are skipped too")
                    : "";
                return $"recovered=false: the broker restarted (epoch {ResumedAfter?.Epoch} is gone, now {StartsAt.Epoch}): " +
                    $"how many events after {Format(ResumedAfter)} were lost cannot be known{since}; live from {head}";
            case SubscribeRequest.StartOneofCase.After when LostEvents is { } lost:
                return string.Create(CultureInfo.InvariantCulture,
                    $"recovered=false: history no longer holds the events after {Format(ResumedAfter)}: {Count(lost)} lost " +
                    $"({ResumedAfter!.Offset + 1}..{StartsAt.Offset}, counted before this subscription's filters); live from {head}");
            case SubscribeRequest.StartOneofCase.After:
                return $"recovered=false: {Format(ResumedAfter)} is beyond the newest event {head}, so how many events were lost cannot be known; live from {head}";
            case SubscribeRequest.StartOneofCase.Since when Recovered:
                return $"recovered=true: replaying every event since {FormatTime(Since)}";
            default:
                return $"recovered=false: history no longer holds every event since {FormatTime(Since)}, so how many were lost " +
                    $"cannot be known; replaying what it holds from {Format(Oldest)}, then live";
        }
    }

    private static string Count(ulong events) =>
        events == 1 ? "1 event" : string.Create(CultureInfo.InvariantCulture, $"{events} events");

    private static string Format(Position? position) =>
        position is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{position.Offset}@{position.Epoch}");

    private static string FormatTime(Timestamp? time) =>
        time is null ? "-" : time.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
