using NotifyBroker.Contracts.V1;
using NotifyBroker.Core;
using NotifyBroker.Grpc.Server;
using NotifyBroker.Server.Mapping;

namespace NotifyBroker.Server.Notifier;

/// <summary>Broadcast (BroadcastSystemMessageEx).</summary>
internal sealed class BroadcastHandler(Broker broker)
{
    public async Task<BroadcastReply> HandleAsync(BroadcastRequest request, ServerCallContext context)
    {
        var result = await broker.BroadcastAsync(RequestMapping.ToCore(request), context.CancellationToken).ConfigureAwait(false);
        return RequestMapping.ToContract(result);
    }
}
