namespace NotifyBroker.Grpc.Protocol;

/// <summary>
/// doc/http-grpc-status-mapping.md: only for a client that received a response WITHOUT grpc-status. Servers must not
/// use it to choose an HTTP status.
/// </summary>
public static class HttpStatusMapping
{
    public static StatusCode ToStatusCode(int httpStatus) => httpStatus switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        431 => StatusCode.Internal,
        _ => StatusCode.Unknown,
    };
}
