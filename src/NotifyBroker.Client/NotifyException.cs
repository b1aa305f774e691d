using System.Globalization;
using Google.Rpc;
using NotifyBroker.Contracts.V1;
using Grpc.Core;
using GrpcStatus = Grpc.Core.Status;
using StatusCode = Grpc.Core.StatusCode;

namespace NotifyBroker.Client;

/// <summary>
/// A NotifyBroker call that failed: the gRPC status, and what the broker's error details say about it: the Win32/NERR
/// code and its symbolic name (e.g. 2273, "NERR_NameNotFound"), or a stream end's reason (e.g. "SLOW_CONSUMER") and the
/// position to resume after. The original <see cref="RpcException"/> is the inner exception.
/// </summary>
public sealed class NotifyException : Exception
{
    /// <summary>The ErrorInfo domain of the broker's errors.</summary>
    public const string BrokerDomain = "notify.v1";

    /// <summary>The reason of a Subscribe stream ended because the subscriber fell behind.</summary>
    public const string SlowConsumerReason = "SLOW_CONSUMER";

    /// <summary>The reason of a Subscribe stream ended because the broker is stopping.</summary>
    public const string BrokerStoppingReason = "BROKER_STOPPING";

    public NotifyException()
        : this(new RpcException(new GrpcStatus(StatusCode.Unknown, string.Empty)))
    {
    }

    public NotifyException(string message)
        : this(new RpcException(new GrpcStatus(StatusCode.Unknown, message)))
    {
    }

    public NotifyException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = new GrpcStatus(StatusCode.Unknown, message);
    }

    /// <summary>Reads the broker's details out of <paramref name="error"/>.</summary>
    public NotifyException(RpcException error)
        : base(Describe(error), error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Status = error.Status;
        if (error.GetRpcStatus() is { } rich)
        {
            foreach (var detail in rich.Details)
            {
                if (detail.TryUnpack<ErrorInfo>(out var info) && info is not null && ErrorInfo is null)
                {
                    ErrorInfo = info;
                }
                else if (detail.TryUnpack<Position>(out var position) && position is not null && ResumeAfter is null)
                {
                    ResumeAfter = position;
                }
            }
        }
    }

    /// <summary>The status the call ended with.</summary>
    public GrpcStatus Status { get; }

    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>The google.rpc.ErrorInfo of the status details, if the server sent one.</summary>
    public ErrorInfo? ErrorInfo { get; }

    /// <summary>
    /// The symbolic name of the failure: a Win32/NERR name ("NERR_NameNotFound", "ERROR_INVALID_PARAMETER") or a
    /// stream end's reason ("SLOW_CONSUMER"). Null when the server sent no ErrorInfo (e.g. a transport failure).
    /// </summary>
    /// <remarks>ErrorInfo's field 1 is called Type in Google.Api.CommonProtos 2.0.0 and reason in today's protos.</remarks>
    public string? SymbolicName => ErrorInfo?.Reason is { Length: > 0 } name ? name : null;

    /// <summary>The Win32/NERR code (ErrorInfo metadata "code"), e.g. 2273; null when the failure has none.</summary>
    public int? Win32Code =>
        ErrorInfo is not null && ErrorInfo.Metadata.TryGetValue("code", out var text) &&
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code)
            ? code
            : null;

    /// <summary>Where a Subscribe stream that ended with this failure can resume (after this position), if the server said.</summary>
    public Position? ResumeAfter { get; }

    /// <summary>True when a Subscribe stream ended because its subscriber fell behind.</summary>
    public bool IsSlowConsumer =>
        StatusCode == StatusCode.ResourceExhausted && string.Equals(SymbolicName, SlowConsumerReason, StringComparison.Ordinal);

    private static string Describe(RpcException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return string.IsNullOrEmpty(error.Status.Detail)
            ? error.StatusCode.ToString()
            : $"{error.StatusCode}: {error.Status.Detail}";
    }
}
