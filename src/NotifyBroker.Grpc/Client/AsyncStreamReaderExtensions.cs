using System.Runtime.CompilerServices;

namespace NotifyBroker.Grpc.Client;

public static class AsyncStreamReaderExtensions
{
    /// <summary>
    /// The remaining messages of <paramref name="reader"/> as an async sequence, for <c>await foreach</c>. It ends after
    /// an OK status and throws <see cref="RpcException"/> for any other.
    /// </summary>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(
        this IAsyncStreamReader<T> reader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (await reader.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            yield return reader.Current;
        }
    }
}
