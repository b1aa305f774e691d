namespace NotifyBroker.Grpc.Server;

/// <summary>
/// Watches every call the server handles, e.g. to wrap it in a tracing span or count it. Register as a singleton
/// (<c>services.AddSingleton&lt;IServerCallObserver, MyObserver&gt;()</c>); with none registered the server skips
/// the hook entirely. Called on the request's thread: keep it quick and don't throw.
/// </summary>
public interface IServerCallObserver
{
    /// <summary>
    /// A call was routed to a method and is about to read its request. The returned object (e.g. an Activity) comes
    /// back in <see cref="OnCallCompleted"/>; return null if there is nothing to carry.
    /// </summary>
    object? OnCallStarting(ServerCallContext context);

    /// <summary>
    /// The call ended with <paramref name="status"/> (also for cancellation and deadline expiry).
    /// <paramref name="exception"/> is what the handler threw, if anything.
    /// </summary>
    void OnCallCompleted(ServerCallContext context, object? state, Status status, Exception? exception);
}
