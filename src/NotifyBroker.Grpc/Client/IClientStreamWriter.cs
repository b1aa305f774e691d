namespace NotifyBroker.Grpc.Client;

/// <summary>The request stream of a client-streaming or duplex call.</summary>
public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
{
    /// <summary>Half-closes the call: the server sees the end of the request stream. No writes may follow.</summary>
    Task CompleteAsync();
}
