namespace NotifyBroker.Grpc.Client;

/// <summary>A call about to be sent, as <see cref="ClientCallObserver.CallStarting"/> sees it.</summary>
public readonly struct ClientCallStart
{
    private readonly HttpRequestMessage _request;

    internal ClientCallStart(HttpRequestMessage request, string serviceName, string methodName, MethodType methodType)
    {
        _request = request;
        ServiceName = serviceName;
        MethodName = methodName;
        MethodType = methodType;
    }

    /// <summary>The fully qualified service, e.g. "notify.v1.Notifier".</summary>
    public string ServiceName { get; }

    /// <summary>The method, e.g. "Send".</summary>
    public string MethodName { get; }

    public MethodType MethodType { get; }

    /// <summary>The request's URI: scheme, authority and :path.</summary>
    public Uri RequestUri => _request.RequestUri!;

    /// <summary>Sets an ASCII request header (e.g. traceparent), replacing any value it had.</summary>
    public void SetHeader(string name, string value)
    {
        _request.Headers.Remove(name);
        _request.Headers.TryAddWithoutValidation(name, value);
    }
}
