using System.Globalization;
using NotifyBroker.Cli.Parsing;
using NotifyBroker.Client;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Cli.Commands.Subscribe;

/// <summary>
/// What an Open event means for the user, given how its stream was asked to start: live, a resume that lost nothing,
/// or a resume the broker could NOT recover. Then events were lost, and the line says so plainly, with how many when
/// the positions tell (within one history) or that this cannot be known (after a broker restart).
/// </summary>
internal static class OpenText
{
    public static string Describe(Event openEvent, SubscribeRequest streamRequest)
    {
        var open = openEvent.Open;
        var head = openEvent.Position ?? new Position();
        var oldest = open.Oldest ?? head;
        var held = oldest.Offset <= head.Offset && oldest.Offset > 0 && head.Offset > 0
            ? $"history holds {oldest.Offset}..{head.Offset}"
            : "history is empty";
        var keepalive = open.KeepaliveInterval is { } interval ? $"; keepalive every {Durations.Format(interval.ToTimeSpan())}" : "";
        var live = Positions.Format(head);

        switch (SubscriptionResumed.FromOpen(streamRequest, openEvent))
        {
            case null:
                return $"live from {live}; {held}{keepalive}";
            case { Start: SubscribeRequest.StartOneofCase.After, Recovered: true } resumed:
                return $"resumed after {Format(resumed.ResumedAfter)} without a gap; {held}{keepalive}";
            case { Start: SubscribeRequest.StartOneofCase.After, HistoryRestarted: true } resumed:
                var alsoSkipped = resumed.LostSinceRestart > 0
                    ? $", plus the {Events(resumed.LostSinceRestart)} the restarted broker accepted before this stream opened"
                    : "";
                return $"NOT RECOVERED: the broker's history restarted (epoch {resumed.ResumedAfter?.Epoch} is gone, now {head.Epoch}); " +
                    $"events in between are lost, and how many cannot be known{alsoSkipped} (recovered=false); live from {live}{keepalive}";
            case { Start: SubscribeRequest.StartOneofCase.After, LostEvents: { } lost } resumed:
                return string.Create(CultureInfo.InvariantCulture,
                    $"NOT RECOVERED: history no longer holds the events after {Format(resumed.ResumedAfter)} ({held}); events in between are lost: " +
                    $"{Events(lost)} ({resumed.ResumedAfter!.Offset + 1}..{head.Offset}, counted before filtering) (recovered=false); live from {live}{keepalive}");
            case { Start: SubscribeRequest.StartOneofCase.After } resumed:
                return $"NOT RECOVERED: {Format(resumed.ResumedAfter)} is beyond the newest event ({held}); events may be lost, and how many " +
                    $"cannot be known (recovered=false); live from {live}{keepalive}";
            case { Recovered: true } resumed:
                return $"replaying every event since {FormatSince(resumed)}, then live; {held}{keepalive}";
            case var resumed:
                return $"NOT RECOVERED: history no longer holds every event since {FormatSince(resumed)} ({held}); how many were lost " +
                    $"cannot be known (recovered=false); replaying what it holds, then live{keepalive}";
        }
    }

    private static string Events(ulong count) =>
        count == 1 ? "1 event" : string.Create(CultureInfo.InvariantCulture, $"{count} events");

    private static string Format(Position? position) => position is null ? "-" : Positions.Format(position);

    private static string FormatSince(SubscriptionResumed resumed) =>
        resumed.Since is null ? "-" : Times.Format(resumed.Since.ToDateTimeOffset());
}
