using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace NotifyBroker.Grpc.Server;

/// <summary>
/// A service bound by hand: its protobuf descriptor (which reflection serves) and one handler per method. Built with
/// <see cref="CreateBuilder"/>; every method must belong to the service, and each can be bound once.
/// </summary>
public sealed class ServiceDefinition
{
    private ServiceDefinition(ServiceDescriptor service, IReadOnlyList<ServerMethodBinding> methods)
    {
        Service = service;
        Methods = methods;
    }

    public ServiceDescriptor Service { get; }

    public IReadOnlyList<ServerMethodBinding> Methods { get; }

    public static Builder CreateBuilder(ServiceDescriptor service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return new Builder(service);
    }

    public sealed class Builder
    {
        private readonly ServiceDescriptor _service;
        private readonly List<ServerMethodBinding> _methods = [];

        internal Builder(ServiceDescriptor service) => _service = service;

        public Builder AddUnary<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
            where TRequest : class, IMessage<TRequest>, new()
            where TResponse : class, IMessage<TResponse>, new() =>
            Add(new UnaryMethodBinding<TRequest, TResponse>(method, handler), MethodType.Unary);

        public Builder AddClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class, IMessage<TRequest>, new()
            where TResponse : class, IMessage<TResponse>, new() =>
            Add(new ClientStreamingMethodBinding<TRequest, TResponse>(method, handler), MethodType.ClientStreaming);

        public Builder AddServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class, IMessage<TRequest>, new()
            where TResponse : class, IMessage<TResponse>, new() =>
            Add(new ServerStreamingMethodBinding<TRequest, TResponse>(method, handler), MethodType.ServerStreaming);

        public Builder AddDuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class, IMessage<TRequest>, new()
            where TResponse : class, IMessage<TResponse>, new() =>
            Add(new DuplexStreamingMethodBinding<TRequest, TResponse>(method, handler), MethodType.DuplexStreaming);

        public ServiceDefinition Build() => new(_service, _methods.ToArray());

        private Builder Add(ServerMethodBinding binding, MethodType expected)
        {
            ArgumentNullException.ThrowIfNull(binding.Handler);
            if (binding.Descriptor.Service != _service)
            {
                throw new ArgumentException($"{binding.FullName} is not a method of {_service.FullName}.");
            }

            if (binding.Type != expected)
            {
                throw new ArgumentException($"{binding.FullName} is a {binding.Type} method, not {expected}.");
            }

            if (_methods.Any(m => m.FullName == binding.FullName))
            {
                throw new ArgumentException($"{binding.FullName} is bound twice.");
            }

            _methods.Add(binding);
            return this;
        }
    }
}

/// <summary>One bound method: what the router needs to find it, and the typed handler behind it.</summary>
public abstract class ServerMethodBinding
{
    private protected ServerMethodBinding(MethodDescriptor descriptor, string fullName, MethodType type, Delegate handler)
    {
        Descriptor = descriptor;
        FullName = fullName;
        Type = type;
        Handler = handler;
    }

    public MethodDescriptor Descriptor { get; }

    /// <summary>The :path that routes to this method.</summary>
    public string FullName { get; }

    public MethodType Type { get; }

    public Delegate Handler { get; }
}

public sealed class UnaryMethodBinding<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
    : ServerMethodBinding(method.Descriptor, method.FullName, method.Type, handler)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    public Method<TRequest, TResponse> Method { get; } = method;

    public new UnaryServerMethod<TRequest, TResponse> Handler { get; } = handler;
}

public sealed class ClientStreamingMethodBinding<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
    : ServerMethodBinding(method.Descriptor, method.FullName, method.Type, handler)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    public Method<TRequest, TResponse> Method { get; } = method;

    public new ClientStreamingServerMethod<TRequest, TResponse> Handler { get; } = handler;
}

public sealed class ServerStreamingMethodBinding<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
    : ServerMethodBinding(method.Descriptor, method.FullName, method.Type, handler)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    public Method<TRequest, TResponse> Method { get; } = method;

    public new ServerStreamingServerMethod<TRequest, TResponse> Handler { get; } = handler;
}

public sealed class DuplexStreamingMethodBinding<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler)
    : ServerMethodBinding(method.Descriptor, method.FullName, method.Type, handler)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    public Method<TRequest, TResponse> Method { get; } = method;

    public new DuplexStreamingServerMethod<TRequest, TResponse> Handler { get; } = handler;
}
