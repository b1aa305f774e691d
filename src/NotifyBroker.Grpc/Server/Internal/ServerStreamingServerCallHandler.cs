using Google.Protobuf;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>One request message in, a stream of response messages out.</summary>
internal sealed class ServerStreamingServerCallHandler<TRequest, TResponse>(ServerStreamingMethodBinding<TRequest, TResponse> binding, GrpcServerRuntime runtime)
    : ServerCallHandler(binding, runtime)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private readonly MessageParser<TRequest> _parser = binding.Method.RequestParser;
    private readonly ServerStreamingServerMethod<TRequest, TResponse> _handler = binding.Handler;

    // The request is one bounded message, but the call can last for hours: the body rate limit must not apply.
    protected override bool StreamsRequests => true;

    protected override async Task HandleCallCoreAsync(HttpContextServerCallContext call)
    {
        var request = await ReadSingleRequestAsync(call, _parser).ConfigureAwait(false);
        var responses = new HttpContextStreamWriter<TResponse>(call);
        try
        {
            await _handler(request, responses, call).ConfigureAwait(false);
        }
        finally
        {
            responses.Complete();
        }
    }
}
