using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core;
using NotifyBroker.Server.Mapping;

namespace NotifyBroker.Server.Notifier;

/// <summary>
/// notify.v1.Notifier on the generated <see cref="Contracts.V1.Notifier.NotifierBase"/>: each RPC maps its request to
/// the core and the core's answer back. A core failure (a Win32/NERR code) becomes its status in
/// <see cref="BrokerErrorInterceptor"/>. Subscribe is bound apart (<see cref="NotifierBinding"/>,
/// <see cref="SerializedSubscribe"/>), so that every stream writes each event's shared bytes.
/// </summary>
[BindServiceMethod(typeof(NotifierBinding), nameof(NotifierBinding.BindService))]
internal sealed class NotifierService : Contracts.V1.Notifier.NotifierBase
{
    private static readonly AddAliasReply Added = new();
    private static readonly DeleteAliasReply Deleted = new();

    private readonly Broker _broker;
    private readonly SubscribeHandler _subscribe;

    public NotifierService(Broker broker, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<NotifierService> logger)
    {
        _broker = broker;
        _subscribe = new SubscribeHandler(broker, lifetime, time, logger);
    }

    /// <summary>NetMessageBufferSend.</summary>
    public override async Task<SendReply> Send(SendRequest request, ServerCallContext context)
    {
        var result = await _broker.SendAsync(RequestMapping.ToCore(request), context.CancellationToken).ConfigureAwait(false);
        return RequestMapping.ToContract(result);
    }

    /// <summary>BroadcastSystemMessageEx.</summary>
    public override async Task<BroadcastReply> Broadcast(BroadcastRequest request, ServerCallContext context)
    {
        var result = await _broker.BroadcastAsync(RequestMapping.ToCore(request), context.CancellationToken).ConfigureAwait(false);
        return RequestMapping.ToContract(result);
    }

    /// <summary>NetMessageNameAdd.</summary>
    public override Task<AddAliasReply> AddAlias(AddAliasRequest request, ServerCallContext context)
    {
        _broker.AddAlias(request.ServerName, request.Name);
        return Task.FromResult(Added);
    }

    /// <summary>NetMessageNameDel.</summary>
    public override Task<DeleteAliasReply> DeleteAlias(DeleteAliasRequest request, ServerCallContext context)
    {
        _broker.DeleteAlias(request.ServerName, request.Name);
        return Task.FromResult(Deleted);
    }

    /// <summary>NetMessageNameEnum.</summary>
    public override Task<ListAliasesReply> ListAliases(ListAliasesRequest request, ServerCallContext context)
    {
        var reply = new ListAliasesReply();
        foreach (var alias in _broker.ListAliases(request.ServerName))
        {
            reply.Aliases.Add(new AliasInfo { Name = alias.Name, Registered = alias.Registered, Holders = (uint)Math.Max(0, alias.Holders) });
        }

        return Task.FromResult(reply);
    }

    /// <summary>Subscribe, as <see cref="SerializedSubscribe.Method"/> binds it: events arrive as their shared notify.v1.Event bytes.</summary>
    public Task Subscribe(SubscribeRequest request, IServerStreamWriter<byte[]> responseStream, ServerCallContext context) =>
        _subscribe.Handle(request, responseStream, context);
}
