using Google.Protobuf;
using Grpc.Core;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Server.Notifier;

/// <summary>
/// notify.v1.Notifier/Subscribe as the broker serves it: the generated request, and responses that are already
/// notify.v1.Event bytes. An event is encoded once (EventMapping.Encode) and the same array goes to every stream;
/// the marshaller hands it to Grpc.AspNetCore, which frames it (and compresses it, where the call asks for that).
/// </summary>
internal static class SerializedSubscribe
{
    private static readonly Marshaller<SubscribeRequest> Request = Marshallers.Create<SubscribeRequest>(
        static (request, context) => context.Complete(request.ToByteArray()),
        static context => SubscribeRequest.Parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    private static readonly Marshaller<byte[]> EventBytes = Marshallers.Create<byte[]>(
        static (bytes, context) => context.Complete(bytes),
        static _ => throw new NotSupportedException("The broker never reads Subscribe responses."));

    public static readonly Method<SubscribeRequest, byte[]> Method = new(
        MethodType.ServerStreaming, Contracts.V1.Notifier.Descriptor.FullName, "Subscribe", Request, EventBytes);
}
