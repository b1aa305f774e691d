using Grpc.Core;

namespace NotifyBroker.Contracts.Observability;

/// <summary>Attribute names of the OpenTelemetry RPC and network semantic conventions that our spans and metrics use.</summary>
public static class RpcAttributes
{
    public const string System = "rpc.system";
    public const string Service = "rpc.service";
    public const string Method = "rpc.method";
    public const string GrpcStatusCode = "rpc.grpc.status_code";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";
    public const string ClientAddress = "client.address";
    public const string ClientPort = "client.port";

    /// <summary>The value of rpc.system for every call of NotifyBroker.</summary>
    public const string GrpcSystem = "grpc";

    // One boxed value per status code, so tagging a span with its code never allocates.
    private static readonly object[] BoxedStatusCodes = Enumerable.Range(0, 17).Select(static code => (object)code).ToArray();

    /// <summary>The wire value of <paramref name="code"/>, boxed once.</summary>
    public static object StatusCodeValue(StatusCode code) =>
        (uint)code < (uint)BoxedStatusCodes.Length ? BoxedStatusCodes[(int)code] : (int)code;
}
