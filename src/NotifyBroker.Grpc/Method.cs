using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace NotifyBroker.Grpc;

/// <summary>
/// A method of a service, described once from the protobuf descriptors that Grpc.Tools generates: the path, the kind
/// and the message parsers all come from <see cref="MethodDescriptor"/>, so names are never repeated as literals.
/// </summary>
public sealed class Method<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private Method(MethodDescriptor descriptor)
    {
        Descriptor = descriptor;
        ServiceName = descriptor.Service.FullName;
        Name = descriptor.Name;
        FullName = "/" + ServiceName + "/" + Name;
        Type = (descriptor.IsClientStreaming, descriptor.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            (true, true) => MethodType.DuplexStreaming,
        };
    }

    public MethodDescriptor Descriptor { get; }

    /// <summary>The fully qualified service name, e.g. "notify.v1.Notifier".</summary>
    public string ServiceName { get; }

    /// <summary>The method name, e.g. "Send".</summary>
    public string Name { get; }

    /// <summary>The HTTP/2 :path, e.g. "/notify.v1.Notifier/Send".</summary>
    public string FullName { get; }

    public MethodType Type { get; }

    public MessageParser<TRequest> RequestParser { get; } = new(() => new TRequest());

    public MessageParser<TResponse> ResponseParser { get; } = new(() => new TResponse());

    /// <summary>
    /// Describe <paramref name="descriptor"/>, checking that its request and response types are
    /// <typeparamref name="TRequest"/> and <typeparamref name="TResponse"/>, so a mismatched binding fails at start-up.
    /// </summary>
    public static Method<TRequest, TResponse> Create(MethodDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        CheckType(descriptor.InputType, typeof(TRequest), descriptor, "request");
        CheckType(descriptor.OutputType, typeof(TResponse), descriptor, "response");
        return new Method<TRequest, TResponse>(descriptor);
    }

    private static void CheckType(MessageDescriptor declared, Type actual, MethodDescriptor method, string role)
    {
        if (declared.ClrType != actual)
        {
            throw new ArgumentException(
                $"{method.FullName} declares {role} type {declared.FullName} ({declared.ClrType}), not {actual}.",
                nameof(method));
        }
    }
}

/// <summary>Finds a service's methods by name in its generated descriptor, once, at start-up.</summary>
public static class MethodLookup
{
    /// <summary>The method <paramref name="name"/> of <paramref name="service"/>; throws if the contract lacks it.</summary>
    public static Method<TRequest, TResponse> Find<TRequest, TResponse>(ServiceDescriptor service, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(service);
        var descriptor = service.FindMethodByName(name)
            ?? throw new ArgumentException($"Service {service.FullName} has no method {name}.", nameof(name));
        return Method<TRequest, TResponse>.Create(descriptor);
    }
}
