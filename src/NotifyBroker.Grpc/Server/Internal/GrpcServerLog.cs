using Microsoft.Extensions.Logging;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>The server's log events, source-generated so a disabled level costs a branch.</summary>
internal static partial class GrpcServerLog
{
    [LoggerMessage(1, LogLevel.Error, "Error when executing service method '{Method}'.")]
    public static partial void ErrorExecutingServiceMethod(ILogger logger, string method, Exception exception);

    [LoggerMessage(2, LogLevel.Debug, "Deadline of call '{Method}' exceeded; sending DEADLINE_EXCEEDED and resetting the stream.")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(3, LogLevel.Debug, "Call '{Method}' failed with {StatusCode}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(4, LogLevel.Debug, "Request to '{Path}' refused with HTTP {HttpStatus}: {Reason}")]
    public static partial void RequestRefused(ILogger logger, string path, int httpStatus, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Error while ending call '{Method}' after its deadline.")]
    public static partial void DeadlineCompletionFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(6, LogLevel.Debug, "Call '{Method}' was canceled: the client reset the stream or the connection was lost.")]
    public static partial void CallCanceledByClient(ILogger logger, string method, Exception exception);
}
