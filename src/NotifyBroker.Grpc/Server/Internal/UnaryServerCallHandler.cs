using Google.Protobuf;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>One request message in, one response message out.</summary>
internal sealed class UnaryServerCallHandler<TRequest, TResponse>(UnaryMethodBinding<TRequest, TResponse> binding, GrpcServerRuntime runtime)
    : ServerCallHandler(binding, runtime)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private readonly MessageParser<TRequest> _parser = binding.Method.RequestParser;
    private readonly UnaryServerMethod<TRequest, TResponse> _handler = binding.Handler;

    protected override bool StreamsRequests => false;

    protected override async Task HandleCallCoreAsync(HttpContextServerCallContext call)
    {
        var request = await ReadSingleRequestAsync(call, _parser).ConfigureAwait(false);
        var response = await _handler(request, call).ConfigureAwait(false);
        WriteSingleResponse(call, response);
    }
}
