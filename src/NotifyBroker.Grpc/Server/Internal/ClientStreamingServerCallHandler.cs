using Google.Protobuf;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>A stream of request messages in, one response message out.</summary>
internal sealed class ClientStreamingServerCallHandler<TRequest, TResponse>(ClientStreamingMethodBinding<TRequest, TResponse> binding, GrpcServerRuntime runtime)
    : ServerCallHandler(binding, runtime)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private readonly MessageParser<TRequest> _parser = binding.Method.RequestParser;
    private readonly ClientStreamingServerMethod<TRequest, TResponse> _handler = binding.Handler;

    protected override bool StreamsRequests => true;

    protected override async Task HandleCallCoreAsync(HttpContextServerCallContext call)
    {
        var requests = new HttpContextStreamReader<TRequest>(call, _parser);
        var response = await _handler(requests, call).ConfigureAwait(false);
        WriteSingleResponse(call, response);
    }
}
