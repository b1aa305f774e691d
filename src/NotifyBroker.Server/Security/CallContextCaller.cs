using Grpc.Core;
using NotifyBroker.Core.Security;

namespace NotifyBroker.Server.Security;

/// <summary>The core caller of a gRPC call, from the identity ASP.NET Core authenticated for it.</summary>
internal static class CallContextCaller
{
    /// <summary>The caller; UNAUTHENTICATED if authorization somehow let a call through without one.</summary>
    public static Caller CallerOf(this ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return CallerClaims.ToCaller(context.GetHttpContext().User)
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "This call needs an identity."));
    }
}
