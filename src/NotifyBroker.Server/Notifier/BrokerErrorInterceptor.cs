using Grpc.Core;
using Grpc.Core.Interceptors;
using NotifyBroker.Core.Errors;
using NotifyBroker.Server.Errors;

namespace NotifyBroker.Server.Notifier;

/// <summary>
/// The one rule for core failures on every unary Notifier call: a <see cref="BrokerException"/> (a Win32/NERR code)
/// becomes its gRPC status with ErrorInfo details, so no handler repeats it and none can let one escape as UNKNOWN.
/// Subscribe applies the same rule itself (<see cref="SubscribeHandler"/>, then the pump): a stream lives for hours,
/// and an interceptor would have to await it, keeping one more state machine per open stream.
/// </summary>
internal sealed class BrokerErrorInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (BrokerException error)
        {
            throw NotifyStatus.FromBrokerException(error);
        }
    }
}
