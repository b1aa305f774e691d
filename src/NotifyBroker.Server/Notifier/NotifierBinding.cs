using Grpc.Core;

namespace NotifyBroker.Server.Notifier;

/// <summary>
/// How Grpc.AspNetCore binds <see cref="NotifierService"/>: the generated binding for every method but Subscribe,
/// which <see cref="SubscribeMethodProvider"/> binds with the pass-through marshaller of <see cref="SerializedSubscribe"/>.
/// (The generated Subscribe would serialize every event again for every stream.) Reflection reads
/// <see cref="Descriptor"/> from here, so it still serves the generated notify.v1.Notifier.
/// </summary>
internal static class NotifierBinding
{
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => Contracts.V1.Notifier.Descriptor;

    // Found by Grpc.AspNetCore through [BindServiceMethod]; the second parameter names the generated base, whose
    // virtual methods the service overrides.
    // Only Grpc.AspNetCore's own binder gets the binding without Subscribe (SubscribeMethodProvider binds it there).
    // Any other binder, JSON transcoding's above all, gets the generated binding whole: it builds its routes from the
    // methods it is given, and serves Subscribe through the typed override (NotifierService.TranscodedSubscribe.cs).
    // The test is on the binder's assembly, not its (internal) type name: Grpc.AspNetCore.Server's binder is the one
    // whose methods SubscribeMethodProvider replaces.
    public static void BindService(ServiceBinderBase binder, Contracts.V1.Notifier.NotifierBase service) =>
        Contracts.V1.Notifier.BindService(
            binder.GetType().Assembly == typeof(Grpc.AspNetCore.Server.GrpcServiceOptions).Assembly ? new WithoutSubscribe(binder) : binder,
            service);

    private sealed class WithoutSubscribe(ServiceBinderBase inner) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            if (method.FullName != SerializedSubscribe.Method.FullName)
            {
                inner.AddMethod(method, handler);
            }
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);
    }
}
