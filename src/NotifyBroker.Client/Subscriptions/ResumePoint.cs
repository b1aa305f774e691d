using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Client.Subscriptions;

/// <summary>
/// Where a resuming subscription stands: the position after which nothing it yielded would be lost, given what it has
/// seen so far. Window and alias messages move it to their own position; a keepalive moves it to the position the
/// server's stream has reached; an Open moves it to the head of history when the stream starts there (a live start,
/// or a resume the server could not recover).
/// </summary>
internal sealed class ResumePoint
{
    private readonly SubscribeRequest _original;

    public ResumePoint(SubscribeRequest original)
    {
        _original = original;
        Attempt = original;
        After = original.StartCase == SubscribeRequest.StartOneofCase.After ? original.After.Clone() : null;
    }

    /// <summary>The position to resume after, or null while the original start still applies. Never changed in place.</summary>
    public Position? After { get; private set; }

    /// <summary>The request that opened the stream being read: the original until <see cref="NextRequest"/> makes another.</summary>
    public SubscribeRequest Attempt { get; private set; }

    /// <summary>The request of the next attempt: the original, resuming after <see cref="After"/> once there is one.</summary>
    public SubscribeRequest NextRequest()
    {
        if (After is null)
        {
            Attempt = _original;
        }
        else
        {
            var request = _original.Clone();
            request.After = After.Clone();
            Attempt = request;
        }

        return Attempt;
    }

    /// <summary>Account for an event of the <see cref="Attempt"/>'s stream that the enumeration is about to yield.</summary>
    public void Observe(Event streamEvent)
    {
        switch (streamEvent.KindCase)
        {
            case Event.KindOneofCase.WindowMessage:
            case Event.KindOneofCase.AliasMessage:
            case Event.KindOneofCase.Keepalive:
                MoveTo(streamEvent.Position);
                break;
            case Event.KindOneofCase.Open:
                var startsAtHead = Attempt.StartCase switch
                {
                    SubscribeRequest.StartOneofCase.None => true,
                    SubscribeRequest.StartOneofCase.After => !streamEvent.Open.Recovered,
                    _ => false, // since: the replay's own events will move the point
                };
                if (startsAtHead)
                {
                    MoveTo(streamEvent.Position);
                }

                break;
        }
    }

    // A copy: the event itself goes to the caller, who may change it.
    private void MoveTo(Position position) => After = position.Clone();
}
