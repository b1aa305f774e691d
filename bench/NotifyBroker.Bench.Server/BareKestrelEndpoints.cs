using System.Buffers;
using System.IO.Pipelines;
using NotifyBroker.Bench.V1;

namespace NotifyBroker.Bench.Server;

/// <summary>
/// The ceiling: plain Kestrel endpoints that answer like a gRPC server (content-type application/grpc, framed
/// messages, grpc-status trailer) with no gRPC layer. They do the least any gRPC server must do — read the
/// request, write the reply, send the trailer — so the ratio of a gRPC service to them is the gRPC stack's own cost.
/// </summary>
internal static class BareKestrelEndpoints
{
    // One path segment: the gRPC layer's catch-all routes ("/{service}/{method}" for UNIMPLEMENTED) only match two,
    // so they are not routing candidates here and the ceiling doesn't pay for them.
    public const string UnaryPath = "/bare-unary";
    public const string StreamPath = "/bare-stream";

    // The same unary endpoint at a two-segment path, where those catch-alls are candidates too: the difference
    // between the two is what the catch-alls cost every call (bench/run.sh routing).
    public const string UnaryPathAmongGrpcRoutes = "/bare/unary";

    private const string GrpcContentType = "application/grpc";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(UnaryPath, UnaryAsync);
        endpoints.MapPost(UnaryPathAmongGrpcRoutes, UnaryAsync);
        endpoints.MapPost(StreamPath, StreamAsync);
    }

    private static async Task UnaryAsync(HttpContext context)
    {
        await RequestBody.DrainAsync(context.Request.BodyReader);
        context.Response.ContentType = GrpcContentType;
        await context.Response.BodyWriter.WriteAsync(BenchMessages.FramedEchoReply);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    /// <summary>Streams the same framed message in the same flush pattern as Bench/StreamMessages.</summary>
    private static async Task StreamAsync(HttpContext context)
    {
        var request = await ReadStreamRequestAsync(context.Request.BodyReader);
        var flushEvery = Math.Max(1u, request.FlushEvery);
        context.Response.ContentType = GrpcContentType;
        var output = context.Response.BodyWriter;
        var message = BenchMessages.FramedStreamMessage;
        for (var sent = 1u; sent <= request.Count; sent++)
        {
            message.CopyTo(output.GetSpan(message.Length));
            output.Advance(message.Length);
            if (sent % flushEvery == 0)
            {
                await output.FlushAsync(context.RequestAborted);
            }
        }

        context.Response.AppendTrailer("grpc-status", "0");
    }

    private static async Task<StreamRequest> ReadStreamRequestAsync(PipeReader reader)
    {
        while (true)
        {
            var result = await reader.ReadAsync();
            if (result.IsCompleted)
            {
                var body = result.Buffer;
                var request = body.Length >= BenchMessages.PrefixLength
                    ? StreamRequest.Parser.ParseFrom(body.Slice(BenchMessages.PrefixLength))
                    : new StreamRequest();
                reader.AdvanceTo(body.End);
                return request;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
