using System.Collections.Concurrent;

namespace NotifyBroker.Contracts.Observability;

/// <summary>
/// A method's rpc.service, rpc.method and span name ("package.Service/Method"), computed once per method, so that
/// tagging a traced call builds no strings.
/// </summary>
public sealed class RpcMethodNames
{
    // Keys are the full names of methods this process serves or calls: a bounded set.
    private static readonly ConcurrentDictionary<string, RpcMethodNames> ByFullName = new(StringComparer.Ordinal);

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

    /// <summary>The names of the method whose full name is <paramref name="fullName"/>, e.g. "/notify.v1.Notifier/Send".</summary>
    public static RpcMethodNames For(string fullName) => ByFullName.GetOrAdd(fullName, static name =>
    {
        var trimmed = name.StartsWith('/') ? name[1..] : name;
        var slash = trimmed.LastIndexOf('/');
        return slash < 0 ? new RpcMethodNames(trimmed, string.Empty) : new RpcMethodNames(trimmed[..slash], trimmed[(slash + 1)..]);
    });
}
