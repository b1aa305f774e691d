using Google.Protobuf;
using NotifyBroker.Grpc;
using NotifyBroker.Grpc.Server;
using NotifyBroker.Interop.Testing;

namespace NotifyBroker.Interop.TestHost;

/// <summary>
/// grpc.testing.TestService as doc/interop-test-descriptions.md's "Server" section defines it: payloads of zeros of
/// the requested sizes, Echo Metadata, Echo Status, CompressedRequest / CompressedResponse checks and per-response
/// intervals. UnimplementedCall is deliberately left unbound so that the server's router answers UNIMPLEMENTED.
/// </summary>
public sealed class TestServiceImplementation
{
    public const string EchoInitialMetadataKey = "x-grpc-test-echo-initial";
    public const string EchoTrailingMetadataKey = "x-grpc-test-echo-trailing-bin";

    /// <summary>What fill_server_id puts in SimpleResponse.server_id.</summary>
    public const string ServerId = "notifybroker-interop-testhost";

    /// <summary>The one compression the interop cases ask for.</summary>
    private const string Gzip = "gzip";

    private static readonly WriteOptions Uncompressed = new(WriteFlags.NoCompress);

    /// <summary>The binding of TestService, every handler wrapped by <paramref name="tracker"/>.</summary>
    public static ServiceDefinition CreateDefinition(CallTracker tracker)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        var service = new TestServiceImplementation();
        return ServiceDefinition.CreateBuilder(TestServiceMethods.Service)
            .AddUnary(TestServiceMethods.EmptyCall, tracker.Track<Empty, Empty>(service.EmptyCall))
            .AddUnary(TestServiceMethods.UnaryCall, tracker.Track<SimpleRequest, SimpleResponse>(service.UnaryCall))
            .AddUnary(TestServiceMethods.CacheableUnaryCall, tracker.Track<SimpleRequest, SimpleResponse>(service.UnaryCall))
            .AddServerStreaming(
                TestServiceMethods.StreamingOutputCall,
                tracker.Track<StreamingOutputCallRequest, StreamingOutputCallResponse>(service.StreamingOutputCall))
            .AddClientStreaming(
                TestServiceMethods.StreamingInputCall,
                tracker.Track<StreamingInputCallRequest, StreamingInputCallResponse>(service.StreamingInputCall))
            .AddDuplexStreaming(
                TestServiceMethods.FullDuplexCall,
                tracker.Track<StreamingOutputCallRequest, StreamingOutputCallResponse>(service.FullDuplexCall))
            .AddDuplexStreaming(
                TestServiceMethods.HalfDuplexCall,
                tracker.Track<StreamingOutputCallRequest, StreamingOutputCallResponse>(service.HalfDuplexCall))
            .Build();
    }

    public async Task<Empty> EmptyCall(Empty request, ServerCallContext context)
    {
        await EchoMetadataAsync(context).ConfigureAwait(false);
        return new Empty();
    }

    public async Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);

        // CompressedResponse: the encoding must be chosen before Echo Metadata sends the response headers.
        if (request.ResponseCompressed?.Value == true)
        {
            context.ResponseEncoding = Gzip;
        }
        else
        {
            context.WriteOptions = Uncompressed;
        }

        await EchoMetadataAsync(context).ConfigureAwait(false);
        EndWithEchoedStatus(request.ResponseStatus);
        CheckCompressed(request.ExpectCompressed, context);

        var response = new SimpleResponse { Payload = CreatePayload(request.ResponseType, request.ResponseSize) };
        if (request.FillServerId)
        {
            response.ServerId = ServerId;
        }

        // fill_username / fill_oauth_scope / fill_grpclb_route_type belong to the cloud-to-prod auth and grpclb
        // cases, which don't run against a local host: ignored.
        return response;
    }

    public async Task StreamingOutputCall(
        StreamingOutputCallRequest request,
        IServerStreamWriter<StreamingOutputCallResponse> responseStream,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        await StartStreamingCallAsync(context).ConfigureAwait(false);
        await SendResponsesAsync(request, responseStream, context).ConfigureAwait(false);
        EndWithEchoedStatus(request.ResponseStatus);
    }

    public async Task<StreamingInputCallResponse> StreamingInputCall(
        IAsyncStreamReader<StreamingInputCallRequest> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        await EchoMetadataAsync(context).ConfigureAwait(false);
        var aggregatedSize = 0;
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            var request = requestStream.Current;
            CheckCompressed(request.ExpectCompressed, context);
            aggregatedSize += request.Payload?.Body.Length ?? 0;
        }

        return new StreamingInputCallResponse { AggregatedPayloadSize = aggregatedSize };
    }

    public async Task FullDuplexCall(
        IAsyncStreamReader<StreamingOutputCallRequest> requestStream,
        IServerStreamWriter<StreamingOutputCallResponse> responseStream,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        await StartStreamingCallAsync(context).ConfigureAwait(false);

        // Answer each request as it arrives: ping_pong only sends the next request after it got the last reply.
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            var request = requestStream.Current;
            EndWithEchoedStatus(request.ResponseStatus);
            await SendResponsesAsync(request, responseStream, context).ConfigureAwait(false);
        }
    }

    public async Task HalfDuplexCall(
        IAsyncStreamReader<StreamingOutputCallRequest> requestStream,
        IServerStreamWriter<StreamingOutputCallResponse> responseStream,
        ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        await StartStreamingCallAsync(context).ConfigureAwait(false);

        // Half duplex: take every request first, answer only after the client half-closed.
        var requests = new List<StreamingOutputCallRequest>();
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            requests.Add(requestStream.Current);
        }

        foreach (var request in requests)
        {
            EndWithEchoedStatus(request.ResponseStatus);
            await SendResponsesAsync(request, responseStream, context).ConfigureAwait(false);
        }
    }

    /// <summary>One response per ResponseParameters, in order, each after its interval and flushed at once.</summary>
    private static async Task SendResponsesAsync(
        StreamingOutputCallRequest request,
        IServerStreamWriter<StreamingOutputCallResponse> responseStream,
        ServerCallContext context)
    {
        foreach (var parameters in request.ResponseParameters)
        {
            if (parameters.IntervalUs > 0)
            {
                await Task.Delay(TimeSpan.FromMicroseconds(parameters.IntervalUs), context.CancellationToken)
                    .ConfigureAwait(false);
            }

            responseStream.WriteOptions = parameters.Compressed?.Value == true ? WriteOptions.Default : Uncompressed;
            var response = new StreamingOutputCallResponse { Payload = CreatePayload(request.ResponseType, parameters.Size) };
            await responseStream.WriteAsync(response, context.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Echo Metadata: the initial key back in the response headers, the trailing one in the trailers.</summary>
    private static async Task EchoMetadataAsync(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.RequestHeaders.Get(EchoInitialMetadataKey) is { } initial)
        {
            await context.WriteResponseHeadersAsync(new Metadata { initial }).ConfigureAwait(false);
        }

        if (context.RequestHeaders.Get(EchoTrailingMetadataKey) is { } trailing)
        {
            context.ResponseTrailers.Add(trailing);
        }
    }

    /// <summary>Echo Status: end the call with the status the client asked for (nothing after it is processed).</summary>
    private static void EndWithEchoedStatus(Testing.EchoStatus? status)
    {
        if (status is not null && status.Code != (int)StatusCode.OK)
        {
            throw new RpcException(new Status((StatusCode)status.Code, status.Message));
        }
    }

    /// <summary>CompressedRequest: when the client says it compressed this request, it must have.</summary>
    private static void CheckCompressed(BoolValue? expectCompressed, ServerCallContext context)
    {
        if (expectCompressed?.Value == true && !context.LastRequestWasCompressed)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Expected a compressed request message."));
        }
    }

    /// <summary>
    /// Starts a streaming call: the response encoding is chosen per call, before the response headers (which Echo
    /// Metadata may send at once), while each response asks for compression itself. So gzip is switched on for the
    /// call (if the client accepts it) and every response not asking for compression is written NoCompress.
    /// </summary>
    private static Task StartStreamingCallAsync(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.ResponseEncoding = Gzip;
        return EchoMetadataAsync(context);
    }

    private static Payload CreatePayload(PayloadType type, int size)
    {
        if (type != PayloadType.Compressable)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Unsupported response type {type}."));
        }

        if (size < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Negative response size {size}."));
        }

        // Zeros, as the interop clients expect for COMPRESSABLE bodies.
        return new Payload { Type = type, Body = UnsafeByteOperations.UnsafeWrap(new byte[size]) };
    }
}
