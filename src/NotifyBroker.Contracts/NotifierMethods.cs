using Google.Protobuf.Reflection;
using NotifyBroker.Grpc;

namespace NotifyBroker.Contracts.V1;

/// <summary>
/// The methods of notify.v1.Notifier, described from the generated descriptor. Each field's name is the method's
/// name, and <see cref="Method{TRequest,TResponse}.Create"/> checks the message types, so a contract change that
/// these don't match fails at start-up rather than on the wire.
/// </summary>
public static class NotifierMethods
{
    public static ServiceDescriptor Service { get; } = NotifierReflection.Descriptor.Services.Single();

    public static readonly Method<SendRequest, SendReply> Send =
        MethodLookup.Find<SendRequest, SendReply>(Service, nameof(Send));

    public static readonly Method<BroadcastRequest, BroadcastReply> Broadcast =
        MethodLookup.Find<BroadcastRequest, BroadcastReply>(Service, nameof(Broadcast));

    public static readonly Method<SubscribeRequest, Event> Subscribe =
        MethodLookup.Find<SubscribeRequest, Event>(Service, nameof(Subscribe));

    public static readonly Method<AddAliasRequest, AddAliasReply> AddAlias =
        MethodLookup.Find<AddAliasRequest, AddAliasReply>(Service, nameof(AddAlias));

    public static readonly Method<DeleteAliasRequest, DeleteAliasReply> DeleteAlias =
        MethodLookup.Find<DeleteAliasRequest, DeleteAliasReply>(Service, nameof(DeleteAlias));

    public static readonly Method<ListAliasesRequest, ListAliasesReply> ListAliases =
        MethodLookup.Find<ListAliasesRequest, ListAliasesReply>(Service, nameof(ListAliases));
}
