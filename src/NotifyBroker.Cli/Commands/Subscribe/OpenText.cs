using NotifyBroker.Cli.Parsing;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Cli.Commands.Subscribe;

/// <summary>
/// What an Open event means for the user, given how its stream was asked to start: live, a resume that lost nothing,
/// or a resume the broker could NOT recover (then events were lost, and the line says so plainly).
/// </summary>
internal static class OpenText
{
    public static string Describe(Open open, Position head, SubscribeRequest.StartOneofCase start, Position? after, Google.Protobuf.WellKnownTypes.Timestamp? since)
    {
        var oldest = open.Oldest ?? head;
        var held = oldest.Offset <= head.Offset && oldest.Offset > 0 && head.Offset > 0
            ? $"history holds {oldest.Offset}..{head.Offset}"
            : "history is empty";
        var keepalive = open.KeepaliveInterval is { } interval ? $"; keepalive every {Durations.Format(interval.ToTimeSpan())}" : "";

        switch (start)
        {
            case SubscribeRequest.StartOneofCase.After when after is not null && open.Recovered:
                return $"resumed after {Positions.Format(after)} without a gap; {held}{keepalive}";
            case SubscribeRequest.StartOneofCase.After when after is not null:
                var why = after.Epoch != head.Epoch
                    ? $"the broker's history restarted (epoch {after.Epoch} is gone, now {head.Epoch})"
                    : $"history no longer holds the events after {Positions.Format(after)} ({held})";
                return $"NOT RECOVERED: {why}; events in between are lost; live from {Positions.Format(head)}{keepalive}";
            case SubscribeRequest.StartOneofCase.Since when open.Recovered:
                return $"replaying every event since {FormatSince(since)}, then live; {held}{keepalive}";
            case SubscribeRequest.StartOneofCase.Since:
                return $"NOT RECOVERED: history no longer holds every event since {FormatSince(since)} ({held}); replaying what it holds, then live{keepalive}";
            default:
                return $"live from {Positions.Format(head)}; {held}{keepalive}";
        }
    }

    private static string FormatSince(Google.Protobuf.WellKnownTypes.Timestamp? since) =>
        since is null ? "-" : Times.Format(since.ToDateTimeOffset());
}
