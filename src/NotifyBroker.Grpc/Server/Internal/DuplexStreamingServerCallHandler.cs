using Google.Protobuf;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>Streams both ways, independently.</summary>
internal sealed class DuplexStreamingServerCallHandler<TRequest, TResponse>(DuplexStreamingMethodBinding<TRequest, TResponse> binding, GrpcServerRuntime runtime)
    : ServerCallHandler(binding, runtime)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private readonly MessageParser<TRequest> _parser = binding.Method.RequestParser;
    private readonly DuplexStreamingServerMethod<TRequest, TResponse> _handler = binding.Handler;

    protected override bool StreamsRequests => true;

    protected override async Task HandleCallCoreAsync(HttpContextServerCallContext call)
    {
        var requests = new HttpContextStreamReader<TRequest>(call, _parser);
        var responses = new HttpContextStreamWriter<TResponse>(call);
        try
        {
            await _handler(requests, responses, call).ConfigureAwait(false);
        }
        finally
        {
            responses.Complete();
        }
    }
}
