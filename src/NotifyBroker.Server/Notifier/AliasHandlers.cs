using NotifyBroker.Contracts.V1;
using NotifyBroker.Core;
using NotifyBroker.Grpc.Server;

namespace NotifyBroker.Server.Notifier;

/// <summary>AddAlias, DeleteAlias and ListAliases (NetMessageNameAdd/Del/Enum): thin, the alias table is the core's.</summary>
internal sealed class AliasHandlers(Broker broker)
{
    private static readonly Task<AddAliasReply> Added = Task.FromResult(new AddAliasReply());
    private static readonly Task<DeleteAliasReply> Deleted = Task.FromResult(new DeleteAliasReply());

    public Task<AddAliasReply> AddAsync(AddAliasRequest request, ServerCallContext context)
    {
        broker.AddAlias(request.ServerName, request.Name);
        return Added;
    }

    public Task<DeleteAliasReply> DeleteAsync(DeleteAliasRequest request, ServerCallContext context)
    {
        broker.DeleteAlias(request.ServerName, request.Name);
        return Deleted;
    }

    public Task<ListAliasesReply> ListAsync(ListAliasesRequest request, ServerCallContext context)
    {
        var reply = new ListAliasesReply();
        foreach (var alias in broker.ListAliases(request.ServerName))
        {
            reply.Aliases.Add(new AliasInfo { Name = alias.Name, Registered = alias.Registered, Holders = (uint)Math.Max(0, alias.Holders) });
        }

        return Task.FromResult(reply);
    }
}
