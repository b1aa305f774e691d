using System.Collections.Concurrent;

namespace NotifyBroker.Grpc.Observability;

/// <summary>
/// A method's rpc.service, rpc.method and span name ("package.Service/Method"), computed once per method: the
/// server knows only the :path, and building strings per call would put allocations on every traced call.
/// </summary>
internal sealed class RpcMethodNames
{
    // Keys are the :paths of bound methods (server) or service/method pairs our client calls: a bounded set.
    private static readonly ConcurrentDictionary<string, RpcMethodNames> ByPath = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<(string Service, string Method), RpcMethodNames> ByName = new();

    private RpcMethodNames(string service, string method)
    {
        Service = service;
        Method = method;
        SpanName = service + "/" + method;
    }

    public string Service { get; }

    public string Method { get; }

    /// <summary>The span name the conventions ask for: "$rpc.service/$rpc.method".</summary>
    public string SpanName { get; }

    /// <summary>The names of the method at <paramref name="path"/>, e.g. "/notify.v1.Notifier/Send".</summary>
    public static RpcMethodNames ForPath(string path) => ByPath.GetOrAdd(path, static p =>
    {
        var trimmed = p.StartsWith('/') ? p[1..] : p;
        var slash = trimmed.LastIndexOf('/');
        return slash < 0 ? new RpcMethodNames(trimmed, string.Empty) : new RpcMethodNames(trimmed[..slash], trimmed[(slash + 1)..]);
    });

    /// <summary>The names of <paramref name="method"/> of <paramref name="service"/>.</summary>
    public static RpcMethodNames For(string service, string method) =>
        ByName.GetOrAdd((service, method), static key => new RpcMethodNames(key.Service, key.Method));
}
