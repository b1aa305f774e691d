namespace NotifyBroker.Grpc.Client;

/// <summary>
/// Sees every call of a channel start and end: the seam for client spans (add traceparent in
/// <see cref="CallStarting"/>, end the span in <see cref="CallEnded"/>), metrics or per-call credentials.
/// A channel without an observer does none of this work.
/// </summary>
public abstract class ClientCallObserver
{
    /// <summary>
    /// Called on the caller's thread before the request is sent. Add headers with <see cref="ClientCallStart.SetHeader"/>.
    /// The returned state (e.g. the span) is handed back to <see cref="CallEnded"/>. If this method changes
    /// Activity.Current, the call runs under the new activity and the caller gets its own back when the call
    /// method returns.
    /// </summary>
    public abstract object? CallStarting(ClientCallStart call);

    /// <summary>Called exactly once per started call, with its final status (on whichever thread ends it).</summary>
    public abstract void CallEnded(object? state, Status status);
}
