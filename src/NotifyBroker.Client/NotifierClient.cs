using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using NotifyBroker.Client.Observability;
using NotifyBroker.Contracts.V1;
using GeneratedClient = NotifyBroker.Contracts.V1.Notifier.NotifierClient;

namespace NotifyBroker.Client;

/// <summary>
/// The C# client of a NotifyBroker (notify.v1.Notifier), over the generated <see cref="GeneratedClient"/>: typed
/// calls that throw <see cref="NotifyException"/> with the broker's Win32/NERR code, and subscriptions that resume on
/// their own after a disconnect. Its calls carry the caller's W3C trace context and are traced (client spans, rpc.*
/// metrics) when something listens to "NotifyBroker.Rpc". Thread-safe; share one per broker. Build it from an
/// address, a <see cref="GrpcChannel"/> or a <see cref="CallInvoker"/>, or register it with
/// <see cref="NotifierClientServiceCollectionExtensions.AddNotifierClient"/>.
/// </summary>
public sealed class NotifierClient : IDisposable
{
    private readonly GrpcChannel? _ownedChannel;
    private readonly NotifierClientOptions _options;
    private readonly Keys.KeysClient? _keys;

    /// <summary>A client over <paramref name="generated"/> as it is (e.g. one the client factory made, with its interceptors).</summary>
    public NotifierClient(GeneratedClient generated, NotifierClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(generated);
        Grpc = generated;
        _options = options ?? new NotifierClientOptions();
    }

    /// <summary>A client whose calls go through <paramref name="callInvoker"/>, traced.</summary>
    public NotifierClient(CallInvoker callInvoker, NotifierClientOptions? options = null)
        : this(new GeneratedClient(Traced(callInvoker, target: null)), options)
    {
        _keys = new Keys.KeysClient(Traced(callInvoker, target: null));
    }

    /// <summary>A client over <paramref name="channel"/>, which stays the caller's to dispose; traced.</summary>
    public NotifierClient(GrpcChannel channel, NotifierClientOptions? options = null)
        : this(new GeneratedClient(Traced((channel ?? throw new ArgumentNullException(nameof(channel))).CreateCallInvoker(), channel.Target)), options)
    {
        _keys = new Keys.KeysClient(Traced(channel.CreateCallInvoker(), channel.Target));
    }

    /// <summary>
    /// A client with its own channel to <paramref name="address"/>, e.g. "http://localhost:50051"; traced. Its calls
    /// carry <see cref="NotifierClientOptions.ApiKey"/>, or for a loopback broker the local credentials file's key.
    /// </summary>
    public NotifierClient(string address, NotifierClientOptions? options = null)
        : this(Credentials.BrokerChannel.Create(address, options), options, ownsChannel: true)
    {
    }

    private NotifierClient(GrpcChannel channel, NotifierClientOptions? options, bool ownsChannel)
        : this(channel, options)
    {
        _ownedChannel = ownsChannel ? channel : null;
    }

    /// <summary>The generated client underneath, for what this one does not wrap (its calls throw <see cref="RpcException"/>).</summary>
    public GeneratedClient Grpc { get; }

    /// <summary>NetMessageBufferSend: <paramref name="request"/>.Text to the alias <paramref name="request"/>.MsgName.</summary>
    public Task<SendReply> SendAsync(SendRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(request, Cancellable(cancellationToken));

    /// <inheritdoc cref="SendAsync(SendRequest, CancellationToken)"/>
    /// <param name="request">The call's request.</param>
    /// <param name="options">Headers, deadline and cancellation of this call; a null deadline means the client's <see cref="NotifierClientOptions.CallTimeout"/>.</param>
    public Task<SendReply> SendAsync(SendRequest request, CallOptions options) =>
        UnaryAsync(Grpc.SendAsync, request, options);

    /// <summary>NetMessageBufferSend on this broker: <paramref name="text"/> to <paramref name="msgName"/>, from <paramref name="fromName"/> (empty: the caller's own name).</summary>
    public Task<SendReply> SendAsync(string msgName, string text, string fromName = "", CancellationToken cancellationToken = default) =>
        SendAsync(new SendRequest { MsgName = msgName, Text = text, FromName = fromName }, cancellationToken);

    /// <summary>BroadcastSystemMessageEx.</summary>
    public Task<BroadcastReply> BroadcastAsync(BroadcastRequest request, CancellationToken cancellationToken = default) =>
        BroadcastAsync(request, Cancellable(cancellationToken));

    /// <inheritdoc cref="BroadcastAsync(BroadcastRequest, CancellationToken)"/>
    /// <param name="request">The call's request.</param>
    /// <param name="options">Headers, deadline and cancellation of this call; a null deadline means the client's <see cref="NotifierClientOptions.CallTimeout"/>.</param>
    public Task<BroadcastReply> BroadcastAsync(BroadcastRequest request, CallOptions options) =>
        UnaryAsync(Grpc.BroadcastAsync, request, options);

    /// <summary>NetMessageNameAdd on this broker.</summary>
    public Task AddAliasAsync(string name, CancellationToken cancellationToken = default) =>
        AddAliasAsync(new AddAliasRequest { Name = name }, cancellationToken);

    /// <summary>NetMessageNameAdd: <paramref name="request"/>.Name on the server <paramref name="request"/>.ServerName (empty: this broker).</summary>
    public Task<AddAliasReply> AddAliasAsync(AddAliasRequest request, CancellationToken cancellationToken = default) =>
        AddAliasAsync(request, Cancellable(cancellationToken));

    /// <inheritdoc cref="AddAliasAsync(AddAliasRequest, CancellationToken)"/>
    /// <param name="request">The call's request.</param>
    /// <param name="options">Headers, deadline and cancellation of this call; a null deadline means the client's <see cref="NotifierClientOptions.CallTimeout"/>.</param>
    public Task<AddAliasReply> AddAliasAsync(AddAliasRequest request, CallOptions options) =>
        UnaryAsync(Grpc.AddAliasAsync, request, options);

    /// <summary>NetMessageNameDel on this broker.</summary>
    public Task DeleteAliasAsync(string name, CancellationToken cancellationToken = default) =>
        DeleteAliasAsync(new DeleteAliasRequest { Name = name }, cancellationToken);

    /// <summary>NetMessageNameDel: <paramref name="request"/>.Name on the server <paramref name="request"/>.ServerName (empty: this broker).</summary>
    public Task<DeleteAliasReply> DeleteAliasAsync(DeleteAliasRequest request, CancellationToken cancellationToken = default) =>
        DeleteAliasAsync(request, Cancellable(cancellationToken));

    /// <inheritdoc cref="DeleteAliasAsync(DeleteAliasRequest, CancellationToken)"/>
    /// <param name="request">The call's request.</param>
    /// <param name="options">Headers, deadline and cancellation of this call; a null deadline means the client's <see cref="NotifierClientOptions.CallTimeout"/>.</param>
    public Task<DeleteAliasReply> DeleteAliasAsync(DeleteAliasRequest request, CallOptions options) =>
        UnaryAsync(Grpc.DeleteAliasAsync, request, options);

    /// <summary>NetMessageNameEnum on this broker: registered and held aliases, ordered by name.</summary>
    public async Task<IReadOnlyList<AliasInfo>> ListAliasesAsync(CancellationToken cancellationToken = default)
    {
        var reply = await ListAliasesAsync(new ListAliasesRequest(), cancellationToken).ConfigureAwait(false);
        return reply.Aliases;
    }

    /// <summary>NetMessageNameEnum on the server <paramref name="request"/>.ServerName (empty: this broker): registered and held aliases, ordered by name.</summary>
    public Task<ListAliasesReply> ListAliasesAsync(ListAliasesRequest request, CancellationToken cancellationToken = default) =>
        ListAliasesAsync(request, Cancellable(cancellationToken));

    /// <inheritdoc cref="ListAliasesAsync(ListAliasesRequest, CancellationToken)"/>
    /// <param name="request">The call's request.</param>
    /// <param name="options">Headers, deadline and cancellation of this call; a null deadline means the client's <see cref="NotifierClientOptions.CallTimeout"/>.</param>
    public Task<ListAliasesReply> ListAliasesAsync(ListAliasesRequest request, CallOptions options) =>
        UnaryAsync(Grpc.ListAliasesAsync, request, options);

    /// <summary>NetServerEnum of the fleet: the live brokers (on its own, a broker lists only itself), ordered by name.</summary>
    public async Task<IReadOnlyList<ServerInfo>> ListServersAsync(CancellationToken cancellationToken = default)
    {
        var reply = await ListServersAsync(new ListServersRequest(), Cancellable(cancellationToken)).ConfigureAwait(false);
        return reply.Servers;
    }

    /// <inheritdoc cref="ListServersAsync(CancellationToken)"/>
    /// <param name="request">The call's request.</param>
    /// <param name="options">Headers, deadline and cancellation of this call; a null deadline means the client's <see cref="NotifierClientOptions.CallTimeout"/>.</param>
    public Task<ListServersReply> ListServersAsync(ListServersRequest request, CallOptions options) =>
        UnaryAsync(Grpc.ListServersAsync, request, options);

    /// <summary>notify.v1.Keys CreateKey (needs notify:admin): a new key; its secret is in the reply only.</summary>
    public Task<CreateKeyReply> CreateKeyAsync(CreateKeyRequest request, CancellationToken cancellationToken = default) =>
        UnaryAsync(KeysClient.CreateKeyAsync, request, Cancellable(cancellationToken));

    /// <summary>notify.v1.Keys ListKeys (needs notify:admin): every key the broker accepts, without secrets.</summary>
    public Task<ListKeysReply> ListKeysAsync(CancellationToken cancellationToken = default) =>
        UnaryAsync(KeysClient.ListKeysAsync, new ListKeysRequest(), Cancellable(cancellationToken));

    /// <summary>notify.v1.Keys RevokeKey (needs notify:admin): stop accepting the stored key <paramref name="id"/>.</summary>
    public Task<RevokeKeyReply> RevokeKeyAsync(string id, CancellationToken cancellationToken = default) =>
        UnaryAsync(KeysClient.RevokeKeyAsync, new RevokeKeyRequest { Id = id }, Cancellable(cancellationToken));

    /// <summary>
    /// The events of a subscription, starting with its Open event. With auto-resume (the default, see
    /// <see cref="NotifierClientOptions.Subscriptions"/>) a stream that ends resumably (the broker stopping, a
    /// slow-consumer disconnect, a lost connection) is reopened after the last position yielded, with backoff, and the
    /// sequence goes on without gap or duplicate; each reopened stream yields its Open event too, whose
    /// <c>Recovered</c> is false if history could no longer fill the gap (<see cref="SubscriptionOptions.OnResumed"/> and
    /// <see cref="NotifierSubscription.LastResume"/> say how many events were lost, or that after a broker restart this
    /// cannot be known). Ends with <see cref="NotifyException"/> on a
    /// failure it does not resume, and with <see cref="OperationCanceledException"/> when cancelled. The returned
    /// subscription tells the position to resume after (<see cref="NotifierSubscription.ResumeAfter"/>) as it goes.
    /// </summary>
    public NotifierSubscription SubscribeAsync(SubscribeRequest request, CancellationToken cancellationToken = default) =>
        SubscribeAsync(request, _options.Subscriptions, cancellationToken);

    /// <inheritdoc cref="SubscribeAsync(SubscribeRequest, CancellationToken)"/>
    public NotifierSubscription SubscribeAsync(SubscribeRequest request, SubscriptionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        return new NotifierSubscription(Grpc, request.Clone(), options, cancellationToken);
    }

    /// <summary>Disposes the channel if this client made it (the address constructor).</summary>
    public void Dispose() => _ownedChannel?.Dispose();

    private static CallInvoker Traced(CallInvoker callInvoker, string? target)
    {
        ArgumentNullException.ThrowIfNull(callInvoker);
        return callInvoker.Intercept(target is null ? RpcClientTelemetryInterceptor.Instance : new RpcClientTelemetryInterceptor(target));
    }

    private Keys.KeysClient KeysClient => _keys
        ?? throw new InvalidOperationException("This client was built over a generated Notifier client; build a Keys.KeysClient on the same channel for key management.");

    private static CallOptions Cancellable(CancellationToken cancellationToken) => new(cancellationToken: cancellationToken);

    private async Task<TResponse> UnaryAsync<TRequest, TResponse>(Func<TRequest, CallOptions, AsyncUnaryCall<TResponse>> method, TRequest request, CallOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (options.Deadline is null && _options.CallTimeout is { } timeout)
        {
            options = options.WithDeadline(DateTime.UtcNow + timeout);
        }

        using var call = method(request, options);
        try
        {
            return await call.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException error) when (!options.CancellationToken.IsCancellationRequested)
        {
            throw new NotifyException(error);
        }
    }
}
