using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace NotifyBroker.Server.Errors;

/// <summary>
/// A gRPC failure written by middleware, before any service runs (authentication, authorization, rate limits): a
/// trailers-only response (HTTP 200, content-type application/grpc, grpc-status, grpc-message and
/// grpc-status-details-bin in the one HEADERS frame), as the gRPC HTTP/2 protocol defines for an immediate error.
/// </summary>
internal static class GrpcErrorResponse
{
    /// <summary>True for a gRPC request (application/grpc, with or without a +proto/+json suffix).</summary>
    public static bool IsGrpc(HttpContext context) =>
        context.Request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    /// <summary>End the call with <paramref name="code"/>, <paramref name="message"/>, and an ErrorInfo of <paramref name="reason"/>.</summary>
    public static Task WriteAsync(HttpContext context, StatusCode code, string message, string reason, IReadOnlyDictionary<string, string>? metadata = null, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var info = new ErrorInfo { Domain = NotifyStatus.Domain, Reason = reason };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            info.Metadata[key] = value;
        }

        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        status.Details.Add(Any.Pack(info));
        if (retryAfter is { } delay)
        {
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(delay) }));
        }

        var response = context.Response;
        if (!IsGrpc(context))
        {
            return WriteJsonAsync(context, status, retryAfter);
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)code).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = PercentEncode(message);
        response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray());
        return Task.CompletedTask;
    }

    /// <summary>The messages the broker packs into a google.rpc.Status's details.</summary>
    public static TypeRegistry DetailTypes { get; } =
        TypeRegistry.FromMessages(ErrorInfo.Descriptor, RetryInfo.Descriptor, BadRequest.Descriptor, NotifyBroker.Contracts.V1.Position.Descriptor);

    private static readonly JsonFormatter StatusJson = new(JsonFormatter.Settings.Default.WithTypeRegistry(DetailTypes));

    /// <summary>
    /// The same failure for an HTTP (JSON API) request: the HTTP status of the gRPC code, as JSON transcoding maps it,
    /// and the google.rpc.Status as JSON, its details with their "@type"; Retry-After (whole seconds, rounded up) with
    /// a RetryInfo; WWW-Authenticate: Bearer with a 401.
    /// </summary>
    public static Task WriteJsonAsync(HttpContext context, Google.Rpc.Status status, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(status);
        var response = context.Response;
        response.StatusCode = HttpStatusOf((StatusCode)status.Code);
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        response.ContentType = "application/json; charset=utf-8";
        return response.WriteAsync(StatusJson.Format(status), context.RequestAborted);
    }

    /// <summary>The HTTP status of a gRPC code (google.rpc.Code's mapping, which JSON transcoding uses).</summary>
    public static int HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.OK => StatusCodes.Status200OK,
        StatusCode.Cancelled => 499,
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
        StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.AlreadyExists or StatusCode.Aborted => StatusCodes.Status409Conflict,
        StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.Unimplemented => StatusCodes.Status501NotImplemented,
        StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>grpc-message's encoding: UTF-8, with bytes outside 0x20–0x7E and '%' written as %XX.</summary>
    private static string PercentEncode(string message)
    {
        var builder = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
