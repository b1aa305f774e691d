using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Cli.Commands.Subscribe;

/// <summary>
/// The position a new `notify subscribe --after` can resume from without losing anything printed or skipped so far.
/// It follows the SDK's own resume rule (NotifierClient resumes after the same position on reconnect): messages and
/// keepalives move it to their position; an Open moves it to the head of history when its stream starts there (a
/// live start, or a resume the broker could not recover); a --since replay moves it with its events.
/// </summary>
internal sealed class LastPosition
{
    private readonly SubscribeRequest _original;

    public LastPosition(SubscribeRequest original)
    {
        _original = original;
        After = original.StartCase == SubscribeRequest.StartOneofCase.After ? original.After.Clone() : null;
    }

    /// <summary>The position to resume after, or null while only the original start (live or --since) applies.</summary>
    public Position? After { get; private set; }

    /// <summary>How the stream about to open (or the one that just sent its Open) was asked to start.</summary>
    public SubscribeRequest.StartOneofCase AttemptStart => After is not null ? SubscribeRequest.StartOneofCase.After : _original.StartCase;

    public void Observe(Event streamEvent)
    {
        switch (streamEvent.KindCase)
        {
            case Event.KindOneofCase.WindowMessage:
            case Event.KindOneofCase.AliasMessage:
            case Event.KindOneofCase.Keepalive:
                After = streamEvent.Position;
                break;
            case Event.KindOneofCase.Open:
                var startsAtHead = AttemptStart switch
                {
                    SubscribeRequest.StartOneofCase.None => true,
                    SubscribeRequest.StartOneofCase.After => !streamEvent.Open.Recovered,
                    _ => false,
                };
                if (startsAtHead)
                {
                    After = streamEvent.Position;
                }

                break;
        }
    }
}
