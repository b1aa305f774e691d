using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using NotifyBroker.Bench.V1;

namespace NotifyBroker.Bench.Server;

/// <summary>
/// nbbench.v1.Bench on Grpc.AspNetCore (the generated <see cref="V1.Bench.BenchBase"/>): the handlers do nothing, so the
/// gRPC stack is all that is measured.
/// </summary>
internal sealed class BenchService : V1.Bench.BenchBase
{
    // Bounds one call's work so a typo in a request file cannot keep the server busy for minutes.
    private const uint MaxStreamedMessages = 10_000_000;

    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);

    public override Task<StringValue> Echo(StringValue request, ServerCallContext context) => Task.FromResult(request);

    /// <summary>
    /// Writes <c>count</c> copies of one message. With flush_every &gt; 1 every write carries BufferHint (Grpc.AspNetCore
    /// then leaves it in the response pipe) and the response body is flushed every flush_every messages, as the
    /// broker's SubscriptionPump does (IServerStreamWriter has no flush of its own); otherwise each write flushes.
    /// </summary>
    public override async Task StreamMessages(StreamRequest request, IServerStreamWriter<BytesValue> responseStream, ServerCallContext context)
    {
        if (request.Count > MaxStreamedMessages)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"count is limited to {MaxStreamedMessages}."));
        }

        var flushEvery = Math.Max(1u, request.FlushEvery);
        responseStream.WriteOptions = flushEvery > 1 ? Buffered : null;
        var body = context.GetHttpContext().Response.BodyWriter;
        var message = BenchMessages.StreamMessage;
        for (var sent = 1u; sent <= request.Count; sent++)
        {
            await responseStream.WriteAsync(message);
            if (flushEvery > 1 && sent % flushEvery == 0)
            {
                await body.FlushAsync(context.CancellationToken);
            }
        }

        if (flushEvery > 1 && request.Count % flushEvery != 0)
        {
            await body.FlushAsync(context.CancellationToken);
        }
    }
}
