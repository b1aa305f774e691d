using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using NotifyBroker.Grpc.Protocol;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>
/// What every method kind shares: refusing requests that aren't gRPC we can serve, creating the call context,
/// the observer hook, turning the handler's outcome into a status, and ending the call (status + trailers, or
/// deferring to the deadline when it won). The kinds differ only in <see cref="HandleCallCoreAsync"/>.
/// </summary>
internal abstract class ServerCallHandler
{
    private static readonly Status NoResponseMessage = new(StatusCode.Internal, "No message returned from method.");
    private static readonly Status HandlerException = new(StatusCode.Unknown, "Exception was thrown by handler.");

    private readonly string _servicePrefix;

    protected ServerCallHandler(ServerMethodBinding binding, GrpcServerRuntime runtime)
    {
        FullName = binding.FullName;
        _servicePrefix = "/" + binding.Descriptor.Service.FullName + "/";
        Runtime = runtime;
    }

    public string FullName { get; }

    public GrpcServerRuntime Runtime { get; }

    /// <summary>True for the kinds whose request is a stream of any length (client streaming, duplex).</summary>
    protected abstract bool StreamsRequests { get; }

    /// <summary>Reads the request(s), runs the handler and writes the response message(s). The status comes after.</summary>
    protected abstract Task HandleCallCoreAsync(HttpContextServerCallContext call);

    /// <summary>The endpoint's request delegate.</summary>
    public Task HandleCallAsync(HttpContext httpContext)
    {
        if (!GrpcRequestValidation.TryAccept(httpContext, Runtime.Logger))
        {
            return Task.CompletedTask;
        }

        // Routing matches paths case-insensitively; gRPC paths are case-sensitive.
        var path = httpContext.Request.Path.Value;
        if (!string.Equals(path, FullName, StringComparison.Ordinal))
        {
            var servicePresent = path is not null && path.StartsWith(_servicePrefix, StringComparison.Ordinal);
            GrpcResponseStatus.WriteTrailersOnly(httpContext, servicePresent ? GrpcProtocolStatus.MethodUnimplemented : GrpcProtocolStatus.ServiceUnimplemented);
            return Task.CompletedTask;
        }

        LiftRequestBodyLimits(httpContext, StreamsRequests, Runtime.MaxReceiveMessageSize);

        httpContext.Response.Headers.ContentType = GrpcResponseStatus.GrpcContentType;
        var call = new HttpContextServerCallContext(httpContext, this);
        var observer = Runtime.Observer;
        var observerState = observer?.OnCallStarting(call);

        Task handling;
        try
        {
            handling = HandleCallCoreAsync(call);
        }
        catch (Exception ex)
        {
            handling = Task.FromException(ex);
        }

        // Fast path: a handler that finished synchronously, no deadline to race, nobody observing.
        if (handling.IsCompletedSuccessfully && observer is null && call.DeadlineManager is null)
        {
            call.TryEndCall(call.Status);
            return Task.CompletedTask;
        }

        return EndCallAsync(handling, call, observer, observerState);
    }

    private async Task EndCallAsync(Task handling, HttpContextServerCallContext call, IServerCallObserver? observer, object? observerState)
    {
        Exception? failure = null;
        Status status;
        try
        {
            await handling.ConfigureAwait(false);
            status = call.Status;
        }
        catch (Exception ex)
        {
            failure = ex;
            status = StatusFromException(ex, call);
        }

        try
        {
            if (!call.TryEndCall(status))
            {
                await call.DeadlineManager!.WhenExceededHandled.ConfigureAwait(false);
                status = GrpcProtocolStatus.DeadlineExceeded;
            }
        }
        finally
        {
            call.Dispose();
            observer?.OnCallCompleted(call, observerState, status, failure);
        }
    }

    private Status StatusFromException(Exception exception, HttpContextServerCallContext call)
    {
        if (exception is RpcException rpc)
        {
            if (rpc.Trailers.Count > 0)
            {
                var trailers = call.ResponseTrailers;
                foreach (var entry in rpc.Trailers)
                {
                    trailers.Add(entry);
                }
            }

            GrpcServerLog.CallFailed(Runtime.Logger, FullName, rpc.StatusCode, rpc.Status.Detail);
            return rpc.Status;
        }

        if (call.IsDeadlineExceeded)
        {
            return GrpcProtocolStatus.DeadlineExceeded;
        }

        if (call.IsRequestAborted || (ClientAbort.IsAbortException(exception) && call.CancellationToken.IsCancellationRequested))
        {
            // The client reset the stream or the connection dropped: whatever the handler threw, it was cancelled.
            // That is the client's choice, not a server fault, so it is no error in the log.
            GrpcServerLog.CallCanceledByClient(Runtime.Logger, FullName, exception);
            return GrpcProtocolStatus.Cancelled;
        }

        GrpcServerLog.ErrorExecutingServiceMethod(Runtime.Logger, FullName, exception);
        return Runtime.EnableDetailedErrors
            ? new Status(StatusCode.Unknown, $"{HandlerException.Detail} {exception.GetType().Name}: {exception.Message}")
            : HandlerException;
    }

    /// <summary>Reads the one request message of a unary or server-streaming call, requiring the stream to end after it.</summary>
    protected static async ValueTask<T> ReadSingleRequestAsync<T>(HttpContextServerCallContext call, MessageParser<T> parser)
        where T : IMessage<T>
    {
        // No reader object per call: a request that is already buffered is read and parsed synchronously.
        var runtime = call.Runtime;
        try
        {
            var (request, compressed) = await GrpcMessageReader.ReadSingleMessageAsync(
                call.HttpContext.Request.BodyReader, parser, runtime.MaxReceiveMessageSize, call.RequestEncoding,
                runtime.CompressionProviders, call.CancellationToken).ConfigureAwait(false);
            call.LastRequestCompressed = compressed;
            return request;
        }
        catch (Exception ex) when (ClientAbort.IsAbortException(ex))
        {
            throw call.OnRequestAborted(ex);
        }
    }

    /// <summary>Parses a request payload; malformed protobuf is INTERNAL (statuscodes.md: "Error parsing request proto").</summary>
    internal static T ParseRequest<T>(MessageParser<T> parser, in System.Buffers.ReadOnlySequence<byte> payload)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new RpcException(GrpcProtocolStatus.InvalidMessage);
        }
    }

    /// <summary>Writes the single response of a unary or client-streaming call, if the call ends OK.</summary>
    protected static void WriteSingleResponse(HttpContextServerCallContext call, IMessage? response)
    {
        if (call.Status.StatusCode != StatusCode.OK)
        {
            // The handler chose an error status: no message goes with it.
            return;
        }

        // PROTOCOL-SEMANTICS: a unary call that ends OK must carry a response message; never fabricate one.
        if (response is null)
        {
            throw new RpcException(NoResponseMessage);
        }

        call.WriteMessage(response, call.WriteOptions?.Flags ?? WriteFlags.None);
    }

    private static void LiftRequestBodyLimits(HttpContext httpContext, bool streamsRequests, int? maxReceiveMessageSize)
    {
        if (streamsRequests)
        {
            // A request stream may legitimately be long-lived and idle.
            var minDataRate = httpContext.Features.Get<IHttpMinRequestBodyDataRateFeature>();
            if (minDataRate is not null)
            {
                minDataRate.MinDataRate = null;
            }
        }

        // Our message-prefix check is the real guard (RESOURCE_EXHAUSTED before the body is read). Kestrel's body
        // limit (30,000,000 bytes by default) would otherwise fail a message our limit allows with a bare handler
        // exception, so it goes whenever it could bite first: always for request streams (any length), and for a
        // single-message call when our limit plus the 5-byte prefix is above it or we have no limit.
        var maxBodySize = httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (maxBodySize is { IsReadOnly: false, MaxRequestBodySize: { } kestrelLimit }
            && (streamsRequests || maxReceiveMessageSize is null || (long)maxReceiveMessageSize + GrpcProtocolConstants.MessagePrefixSize > kestrelLimit))
        {
            maxBodySize.MaxRequestBodySize = null;
        }
    }
}
