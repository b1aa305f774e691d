using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core;
using NotifyBroker.Core.Errors;
using NotifyBroker.Grpc.Server;
using NotifyBroker.Server.Errors;

namespace NotifyBroker.Server.Notifier;

/// <summary>
/// notify.v1.Notifier bound to the broker core: one handler per RPC, and one rule for failures: a core failure
/// (<see cref="BrokerException"/>, a Win32/NERR code) becomes its gRPC status with ErrorInfo details here, so no
/// handler repeats it and none can let one escape as UNKNOWN (a running Subscribe stream's pump applies the same rule).
/// </summary>
internal sealed class NotifierService
{
    private readonly SendHandler _send;
    private readonly BroadcastHandler _broadcast;
    private readonly SubscribeHandler _subscribe;
    private readonly AliasHandlers _aliases;

    public NotifierService(Broker broker, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<NotifierService> logger)
    {
        _send = new SendHandler(broker);
        _broadcast = new BroadcastHandler(broker);
        _subscribe = new SubscribeHandler(broker, lifetime, time, logger);
        _aliases = new AliasHandlers(broker);
    }

    public ServiceDefinition CreateDefinition() =>
        ServiceDefinition.CreateBuilder(NotifierMethods.Service)
            .AddUnary(NotifierMethods.Send, Translated<SendRequest, SendReply>(_send.HandleAsync))
            .AddUnary(NotifierMethods.Broadcast, Translated<BroadcastRequest, BroadcastReply>(_broadcast.HandleAsync))
            .AddServerStreaming(NotifierMethods.Subscribe, Translated<SubscribeRequest, Event>(_subscribe.HandleAsync))
            .AddUnary(NotifierMethods.AddAlias, Translated<AddAliasRequest, AddAliasReply>(_aliases.AddAsync))
            .AddUnary(NotifierMethods.DeleteAlias, Translated<DeleteAliasRequest, DeleteAliasReply>(_aliases.DeleteAsync))
            .AddUnary(NotifierMethods.ListAliases, Translated<ListAliasesRequest, ListAliasesReply>(_aliases.ListAsync))
            .Build();

    private static UnaryServerMethod<TRequest, TResponse> Translated<TRequest, TResponse>(UnaryServerMethod<TRequest, TResponse> handler) =>
        async (request, context) =>
        {
            try
            {
                return await handler(request, context).ConfigureAwait(false);
            }
            catch (BrokerException error)
            {
                throw NotifyStatus.FromBrokerException(error);
            }
        };

    // Not async: a Subscribe stream lives for hours, and an async wrapper would keep its own state machine (holding
    // the request) for all of it. The handler fails synchronously for a bad request; once the stream runs, the
    // pump translates core failures itself.
    private static ServerStreamingServerMethod<TRequest, TResponse> Translated<TRequest, TResponse>(ServerStreamingServerMethod<TRequest, TResponse> handler) =>
        (request, responseStream, context) =>
        {
            try
            {
                return handler(request, responseStream, context);
            }
            catch (BrokerException error)
            {
                throw NotifyStatus.FromBrokerException(error);
            }
        };
}
