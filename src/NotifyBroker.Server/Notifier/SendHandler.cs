using NotifyBroker.Contracts.V1;
using NotifyBroker.Core;
using NotifyBroker.Grpc.Server;
using NotifyBroker.Server.Mapping;

namespace NotifyBroker.Server.Notifier;

/// <summary>Send (NetMessageBufferSend).</summary>
internal sealed class SendHandler(Broker broker)
{
    public async Task<SendReply> HandleAsync(SendRequest request, ServerCallContext context)
    {
        var result = await broker.SendAsync(RequestMapping.ToCore(request), context.CancellationToken).ConfigureAwait(false);
        return RequestMapping.ToContract(result);
    }
}
