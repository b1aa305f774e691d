using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using NotifyBroker.Core.Errors;
using StatusCode = Grpc.Core.StatusCode;

namespace NotifyBroker.Server.Errors;

/// <summary>
/// Builds the failures the Notifier service ends calls with: a gRPC status whose grpc-status-details-bin holds a
/// google.rpc.Status with a google.rpc.ErrorInfo (domain "notify.v1", reason = the symbolic name, metadata = the
/// numbers a client needs) and, where the client can resume, a packed notify.v1.Position.
/// </summary>
internal static class NotifyStatus
{
    public const string Domain = "notify.v1";

    /// <summary>ErrorInfo reason of a stream ended because its subscriber fell behind.</summary>
    public const string SlowConsumerReason = "SLOW_CONSUMER";

    /// <summary>ErrorInfo reason of a stream ended because the broker is stopping.</summary>
    public const string BrokerStoppingReason = "BROKER_STOPPING";

    /// <summary>ErrorInfo reason of a stream ended because the engine's shared store (Redis) is unreachable.</summary>
    public const string EngineUnavailableReason = "ENGINE_UNAVAILABLE";

    /// <summary>The call failure for a core failure: its code's status, symbolic name and decimal code.</summary>
    public static RpcException FromBrokerException(BrokerException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var info = Win32Info(error.Code);
        foreach (var (key, value) in error.Details)
        {
            info.Metadata[key] = value;
        }

        return error.RetryAfter is { } retryAfter
            ? Create(Win32StatusCodes.ToStatusCode(error.Code), error.Message, info, new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) })
            : Create(Win32StatusCodes.ToStatusCode(error.Code), error.Message, info);
    }

    /// <summary>The call failure for a Win32/NERR code found by the host itself (e.g. a malformed request field).</summary>
    public static RpcException FromWin32(int win32Code, string message)
    {
        return Create(Win32StatusCodes.ToStatusCode(win32Code), message, Win32Info(win32Code));
    }

    private static ErrorInfo Win32Info(int win32Code)
    {
        var info = new ErrorInfo { Reason = Win32Error.NameOf(win32Code), Domain = Domain };
        info.Metadata.Add("code", win32Code.ToString(CultureInfo.InvariantCulture));
        return info;
    }

    /// <summary>A call failure with <paramref name="info"/> and any further detail messages packed after it.</summary>
    public static RpcException Create(StatusCode code, string message, ErrorInfo info, params IMessage[] moreDetails)
    {
        ArgumentNullException.ThrowIfNull(info);
        var rich = new Google.Rpc.Status { Code = (int)code, Message = message };
        rich.Details.Add(Any.Pack(info));
        foreach (var detail in moreDetails)
        {
            rich.Details.Add(Any.Pack(detail));
        }

        // Grpc.StatusProto puts the google.rpc.Status into grpc-status-details-bin and keeps code and message in step.
        return rich.ToRpcException();
    }
}
