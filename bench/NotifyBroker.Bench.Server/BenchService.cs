using Google.Protobuf.WellKnownTypes;
using NotifyBroker.Bench.V1;
using NotifyBroker.Grpc;
using NotifyBroker.Grpc.Server;

namespace NotifyBroker.Bench.Server;

/// <summary>nbbench.v1.Bench bound with our gRPC layer: the handlers do nothing, so the layer is all that is measured.</summary>
internal static class BenchService
{
    // Bounds one call's work so a typo in a request file cannot keep the server busy for minutes.
    private const uint MaxStreamedMessages = 10_000_000;

    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    public static ServiceDefinition Create()
    {
        var service = BenchReflection.Descriptor.Services.Single(s => s.FullName == "nbbench.v1.Bench");
        return ServiceDefinition.CreateBuilder(service)
            .AddUnary(MethodLookup.Find<StringValue, StringValue>(service, "Echo"), EchoAsync)
            .AddServerStreaming(MethodLookup.Find<StreamRequest, BytesValue>(service, "StreamMessages"), StreamMessagesAsync)
            .Build();
    }

    private static Task<StringValue> EchoAsync(StringValue request, ServerCallContext context) => Task.FromResult(request);

    private static async Task StreamMessagesAsync(StreamRequest request, IServerStreamWriter<BytesValue> responses, ServerCallContext context)
    {
        if (request.Count > MaxStreamedMessages)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"count is limited to {MaxStreamedMessages}."));
        }

        var flushEvery = Math.Max(1u, request.FlushEvery);
        responses.WriteOptions = flushEvery > 1 ? Buffered : null;
        var message = BenchMessages.StreamMessage;
        for (var sent = 1u; sent <= request.Count; sent++)
        {
            await responses.WriteAsync(message, context.CancellationToken);
            if (flushEvery > 1 && sent % flushEvery == 0)
            {
                await responses.FlushAsync(context.CancellationToken);
            }
        }

        if (flushEvery > 1 && request.Count % flushEvery != 0)
        {
            await responses.FlushAsync(context.CancellationToken);
        }
    }
}
