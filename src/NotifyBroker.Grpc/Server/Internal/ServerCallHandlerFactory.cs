namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>Picks the call handler for a bound method's kind.</summary>
internal static class ServerCallHandlerFactory
{
    public static ServerCallHandler Create(ServerMethodBinding binding, GrpcServerRuntime runtime)
    {
        if (!binding.GetType().IsGenericType)
        {
            throw new ArgumentException($"Unknown method binding {binding.GetType()}.", nameof(binding));
        }

        // The bindings are generic over the message types; the handlers are too. One reflective construction per
        // method at start-up, nothing per call.
        var definition = binding.GetType().GetGenericTypeDefinition();
        var messageTypes = binding.GetType().GetGenericArguments();
        Type handlerDefinition;
        if (definition == typeof(UnaryMethodBinding<,>))
        {
            handlerDefinition = typeof(UnaryServerCallHandler<,>);
        }
        else if (definition == typeof(ClientStreamingMethodBinding<,>))
        {
            handlerDefinition = typeof(ClientStreamingServerCallHandler<,>);
        }
        else if (definition == typeof(ServerStreamingMethodBinding<,>))
        {
            handlerDefinition = typeof(ServerStreamingServerCallHandler<,>);
        }
        else if (definition == typeof(DuplexStreamingMethodBinding<,>))
        {
            handlerDefinition = typeof(DuplexStreamingServerCallHandler<,>);
        }
        else
        {
            throw new ArgumentException($"Unknown method binding {binding.GetType()}.", nameof(binding));
        }

        return (ServerCallHandler)Activator.CreateInstance(handlerDefinition.MakeGenericType(messageTypes), binding, runtime)!;
    }
}
