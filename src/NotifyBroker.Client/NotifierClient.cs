using System.Runtime.CompilerServices;
using Google.Protobuf;
using NotifyBroker.Client.Subscriptions;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Grpc;
using NotifyBroker.Grpc.Client;

namespace NotifyBroker.Client;

/// <summary>
/// The C# client of a NotifyBroker (notify.v1.Notifier): typed calls that throw <see cref="NotifyException"/> with the
/// broker's Win32/NERR code, and subscriptions that resume on their own after a disconnect. Thread-safe; share one
/// per broker.
/// </summary>
public sealed class NotifierClient : IDisposable
{
    private readonly bool _ownsChannel;
    private readonly NotifierClientOptions _options;

    /// <summary>A client over <paramref name="channel"/>, which stays the caller's to dispose.</summary>
    public NotifierClient(GrpcChannel channel, NotifierClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        Channel = channel;
        _options = options ?? new NotifierClientOptions();
    }

    /// <summary>A client with its own channel to <paramref name="address"/>, e.g. "http://localhost:50051".</summary>
    public NotifierClient(string address, NotifierClientOptions? options = null)
        : this(GrpcChannel.ForAddress(address), options)
    {
        _ownsChannel = true;
    }

    public GrpcChannel Channel { get; }

    /// <summary>NetMessageBufferSend: <paramref name="request"/>.Text to the alias <paramref name="request"/>.MsgName.</summary>
    public Task<SendReply> SendAsync(SendRequest request, CancellationToken cancellationToken = default) =>
        UnaryAsync(NotifierMethods.Send, request, cancellationToken);

    /// <summary>NetMessageBufferSend on this broker: <paramref name="text"/> to <paramref name="msgName"/>, from <paramref name="fromName"/> (empty: the broker's host).</summary>
    public Task<SendReply> SendAsync(string msgName, string text, string fromName = "", CancellationToken cancellationToken = default) =>
        SendAsync(new SendRequest { MsgName = msgName, Text = text, FromName = fromName }, cancellationToken);

    /// <summary>BroadcastSystemMessageEx.</summary>
    public Task<BroadcastReply> BroadcastAsync(BroadcastRequest request, CancellationToken cancellationToken = default) =>
        UnaryAsync(NotifierMethods.Broadcast, request, cancellationToken);

    /// <summary>NetMessageNameAdd on this broker.</summary>
    public async Task AddAliasAsync(string name, CancellationToken cancellationToken = default) =>
        await UnaryAsync(NotifierMethods.AddAlias, new AddAliasRequest { Name = name }, cancellationToken).ConfigureAwait(false);

    /// <summary>NetMessageNameDel on this broker.</summary>
    public async Task DeleteAliasAsync(string name, CancellationToken cancellationToken = default) =>
        await UnaryAsync(NotifierMethods.DeleteAlias, new DeleteAliasRequest { Name = name }, cancellationToken).ConfigureAwait(false);

    /// <summary>NetMessageNameEnum on this broker: registered and held aliases, ordered by name.</summary>
    public async Task<IReadOnlyList<AliasInfo>> ListAliasesAsync(CancellationToken cancellationToken = default)
    {
        var reply = await UnaryAsync(NotifierMethods.ListAliases, new ListAliasesRequest(), cancellationToken).ConfigureAwait(false);
        return reply.Aliases;
    }

    /// <summary>
    /// The events of a subscription, starting with its Open event. With auto-resume (the default, see
    /// <see cref="NotifierClientOptions.Subscriptions"/>) a stream that ends resumably (the broker stopping, a
    /// slow-consumer disconnect, a lost connection) is reopened after the last position yielded, with backoff, and the
    /// sequence goes on without gap or duplicate; each reopened stream yields its Open event too, whose
    /// <c>Recovered</c> is false if history could no longer fill the gap. Ends with <see cref="NotifyException"/> on a
    /// failure it does not resume, and with <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public IAsyncEnumerable<Event> SubscribeAsync(SubscribeRequest request, CancellationToken cancellationToken = default) =>
        SubscribeAsync(request, _options.Subscriptions, cancellationToken);

    /// <inheritdoc cref="SubscribeAsync(SubscribeRequest, CancellationToken)"/>
    public IAsyncEnumerable<Event> SubscribeAsync(SubscribeRequest request, SubscriptionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        return ResumingSubscribeAsync(request.Clone(), options, cancellationToken);
    }

    public void Dispose()
    {
        if (_ownsChannel)
        {
            Channel.Dispose();
        }
    }

    private async IAsyncEnumerable<Event> ResumingSubscribeAsync(
        SubscribeRequest request, SubscriptionOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var resume = new ResumePoint(request);
        var failedAttempts = 0;
        while (true)
        {
            var attempt = resume.NextRequest();
            NotifyException failure;
            using (var call = Channel.ServerStreaming(NotifierMethods.Subscribe, attempt, new CallOptions { CancellationToken = cancellationToken }))
            {
                var stream = call.ResponseStream;
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await stream.MoveNext(cancellationToken).ConfigureAwait(false);
                    }
                    catch (RpcException error) when (cancellationToken.IsCancellationRequested)
                    {
                        throw new OperationCanceledException("The subscription was cancelled.", error, cancellationToken);
                    }
                    catch (RpcException error)
                    {
                        failure = new NotifyException(error);
                        break;
                    }

                    if (!more)
                    {
                        // The server ended the stream with OK: there is nothing to resume.
                        yield break;
                    }

                    var streamEvent = stream.Current;
                    if (streamEvent.KindCase == Event.KindOneofCase.Open)
                    {
                        failedAttempts = 0;
                    }

                    resume.Observe(streamEvent, attempt);
                    yield return streamEvent;
                }
            }

            failedAttempts++;
            if (!options.AutoResume || !ResumableFailures.IsResumable(failure) ||
                (options.MaxReconnectAttempts is { } max && failedAttempts > max))
            {
                throw failure;
            }

            var delay = ReconnectBackoff.Delay(failedAttempts, options);
            options.OnReconnecting?.Invoke(new SubscriptionReconnect(failedAttempts, delay, failure, resume.After?.Clone()));
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<TResponse> UnaryAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        var callOptions = new CallOptions
        {
            CancellationToken = cancellationToken,
            Deadline = _options.CallTimeout is { } timeout ? DateTime.UtcNow + timeout : null,
        };

        using var call = Channel.UnaryAsync(method, request, callOptions);
        try
        {
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NotifyException(error);
        }
    }
}
