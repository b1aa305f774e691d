using System.IO.Pipelines;
using System.Net.Sockets;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using NotifyBroker.Grpc.Protocol;
using NotifyBroker.Grpc.Protocol.Compression;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>
/// One call on one HTTP/2 stream: its deadline, metadata, compression and the state of the response (not started,
/// headers sent, ended). Everything optional (request metadata, trailers, deadline timer, compression scratch) is
/// created on first use, so a plain unary call allocates little more than this object. What every message needs
/// (the response PipeWriter, the cancellation token) is looked up once and kept, not fetched through the
/// HttpContext's features per message.
/// </summary>
internal sealed class HttpContextServerCallContext : ServerCallContext, IDisposable
{
    // Every field is paid for by every call: what is rare lives elsewhere (the deadline manager, the compressing
    // writer) or is recomputed on demand (Peer).
    private readonly HttpContext _httpContext;
    private readonly ServerCallHandler _handler;
    private readonly ServerCallDeadlineManager? _deadline;
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;

    // Set when response messages are compressed: it carries the chosen encoding and a reusable scratch buffer.
    private GrpcMessageWriter? _compressingWriter;
    private PipeWriter? _responseBody;
    private CancellationToken _requestAborted;
    private bool _responseStarted;
    private volatile bool _requestAbortSeen;

    public HttpContextServerCallContext(HttpContext httpContext, ServerCallHandler handler)
    {
        _httpContext = httpContext;
        _handler = handler;
        var runtime = handler.Runtime;

        var headers = httpContext.Request.Headers;
        var timeout = headers.GrpcTimeout;
        if (timeout.Count > 0 && GrpcTimeout.TryParse(timeout[0], out var timeoutValue))
        {
            _deadline = new ServerCallDeadlineManager(this, timeoutValue, httpContext.RequestAborted);
        }

        // A client that compresses learns what we can decode (compression.md): needed when its encoding is one we
        // lack (the call then fails UNIMPLEMENTED), and when it used one we support but never advertised to it.
        var requestEncoding = headers.GrpcEncoding;
        if (requestEncoding.Count > 0 && !string.Equals(requestEncoding[0], GrpcProtocolConstants.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            AdvertiseAcceptEncoding();
        }

        if (runtime.ResponseCompression is { } compression && CompressionProviders.AcceptsEncoding(headers.GrpcAcceptEncoding, compression.EncodingName))
        {
            _compressingWriter = CreateCompressingWriter(compression);
        }
    }

    public GrpcServerRuntime Runtime => _handler.Runtime;

    public override string Method => _handler.FullName;

    public override string Host => _httpContext.Request.Host.Value ?? string.Empty;

    public override string Peer => FormatPeer(_httpContext.Connection);

    public override DateTime Deadline => _deadline?.Deadline ?? DateTime.MaxValue;

    public override Metadata RequestHeaders => _requestHeaders ??= MetadataCodec.FromHeaders(_httpContext.Request.Headers);

    public override CancellationToken CancellationToken => _deadline?.CancellationToken ?? RequestAborted;

    public override Metadata ResponseTrailers => _responseTrailers ??= new Metadata();

    public override Status Status { get; set; } = Status.DefaultSuccess;

    public override WriteOptions? WriteOptions { get; set; }

    public override string? ResponseEncoding
    {
        get => _compressingWriter?.Compression?.EncodingName;
        set
        {
            if (_responseStarted)
            {
                throw new InvalidOperationException("The response encoding must be chosen before the response headers are sent.");
            }

            if (value is null || string.Equals(value, GrpcProtocolConstants.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
            {
                _compressingWriter = null;
                return;
            }

            var provider = Runtime.CompressionProviders.Find(value)
                ?? throw new InvalidOperationException($"The server has no compression provider for '{value}'.");

            // compression.md: never compress with an encoding the client did not declare; send uncompressed instead.
            _compressingWriter = CompressionProviders.AcceptsEncoding(_httpContext.Request.Headers.GrpcAcceptEncoding, provider.EncodingName)
                ? CreateCompressingWriter(provider)
                : null;
        }
    }

    public override bool LastRequestWasCompressed => LastRequestCompressed;

    internal bool LastRequestCompressed { get; set; }

    public override HttpContext HttpContext => _httpContext;

    internal ServerCallDeadlineManager? DeadlineManager => _deadline;

    internal bool IsDeadlineExceeded => _deadline?.IsExceeded ?? false;

    /// <summary>
    /// True once the client reset the stream or the connection dropped. A read can observe that before Kestrel's
    /// RequestAborted token fires (the token is cancelled from the thread pool), hence the flag beside the token.
    /// </summary>
    internal bool IsRequestAborted => _requestAbortSeen || RequestAborted.IsCancellationRequested;

    /// <summary>
    /// Kestrel's RequestAborted, fetched once: each fetch is a feature lookup and a lock inside Kestrel, and
    /// handlers pass the call's token to every write. Kestrel creates the token source on first use, so this
    /// stays lazy; an uncancelable token (Kestrel's "will never abort") is simply fetched again.
    /// </summary>
    private CancellationToken RequestAborted
    {
        get
        {
            var token = _requestAborted;
            if (!token.CanBeCanceled)
            {
                _requestAborted = token = _httpContext.RequestAborted;
            }

            return token;
        }
    }

    /// <summary>The response body: kept from the moment the response starts, looked up before that.</summary>
    internal PipeWriter ResponseBody => _responseBody ?? _httpContext.Response.BodyWriter;

    /// <summary>
    /// A request read failed because the client aborted (<see cref="ClientAbort.IsAbortException"/>): remembers
    /// that, and returns the cancellation the reader throws instead of the transport's exception.
    /// </summary>
    internal OperationCanceledException OnRequestAborted(Exception abort)
    {
        _requestAbortSeen = true;
        return ClientAbort.RequestCanceled(abort, CancellationToken);
    }

    /// <summary>A reader over the request body with this call's limit and the request's grpc-encoding.</summary>
    internal GrpcMessageReader CreateRequestReader() =>
        new(_httpContext.Request.BodyReader, Runtime.MaxReceiveMessageSize, RequestEncoding, Runtime.CompressionProviders);

    /// <summary>The request's grpc-encoding, or null.</summary>
    internal string? RequestEncoding
    {
        get
        {
            var encoding = _httpContext.Request.Headers.GrpcEncoding;
            return encoding.Count > 0 ? encoding[0] : null;
        }
    }

    public override Task WriteResponseHeadersAsync(Metadata responseHeaders)
    {
        ArgumentNullException.ThrowIfNull(responseHeaders);
        var deadline = _deadline;
        deadline?.EnterWrite();
        try
        {
            StartResponse(responseHeaders);
        }
        finally
        {
            deadline?.ExitWrite();
        }

        // Push the HEADERS frame out now: that is the point of sending headers early.
        var flush = ResponseBody.FlushAsync(CancellationToken);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }

    /// <summary>Serializes one response message into the response body (not flushed).</summary>
    internal void WriteMessage(IMessage message, WriteFlags flags)
    {
        var deadline = _deadline;
        if (deadline is null)
        {
            WriteMessageCore(message, default, flags);
            return;
        }

        deadline.EnterWrite();
        try
        {
            WriteMessageCore(message, default, flags);
        }
        finally
        {
            deadline.ExitWrite();
        }
    }

    /// <summary>Writes one pre-serialized response message into the response body (not flushed).</summary>
    internal void WriteSerializedMessage(ReadOnlySpan<byte> message, WriteFlags flags)
    {
        var deadline = _deadline;
        if (deadline is null)
        {
            WriteMessageCore(null, message, flags);
            return;
        }

        deadline.EnterWrite();
        try
        {
            WriteMessageCore(null, message, flags);
        }
        finally
        {
            deadline.ExitWrite();
        }
    }

    /// <summary>
    /// Ends the call with <paramref name="status"/> and the trailers. False when the deadline had already ended it
    /// (the caller then waits for <see cref="ServerCallDeadlineManager.WhenExceededHandled"/>).
    /// </summary>
    internal bool TryEndCall(in Status status)
    {
        if (_deadline is not null)
        {
            if (!_deadline.TrySetCallComplete())
            {
                return false;
            }
        }

        if (!IsRequestAborted)
        {
            // The stream is still open: send the status (the client reset it otherwise, and nobody would read it).
            WriteStatusCore(status);
        }

        return true;
    }

    /// <summary>Called by the deadline manager once it owns the response (no write can be in progress).</summary>
    internal void WriteDeadlineStatus(in Status status) => WriteStatusCore(status);

    private void AdvertiseAcceptEncoding() =>
        _httpContext.Response.Headers.GrpcAcceptEncoding = Runtime.CompressionProviders.AcceptEncoding;

    public void Dispose() => _deadline?.Dispose();

    private void WriteStatusCore(in Status status)
    {
        var destination = GrpcResponseStatus.TrailersDestination(_httpContext, _responseStarted);
        GrpcResponseStatus.Write(destination, status, _responseTrailers);
    }

    private void WriteMessageCore(IMessage? message, ReadOnlySpan<byte> serialized, WriteFlags flags)
    {
        if (!_responseStarted)
        {
            StartResponse(null);
        }

        var output = _responseBody!;
        var writer = _compressingWriter;
        if (writer is null || (flags & WriteFlags.NoCompress) != 0)
        {
            if (message is not null)
            {
                GrpcMessageWriter.WriteUncompressed(output, message, Runtime.MaxSendMessageSize);
            }
            else
            {
                GrpcMessageWriter.WriteSerializedUncompressed(output, serialized, Runtime.MaxSendMessageSize);
            }

            return;
        }

        if (message is not null)
        {
            writer.Write(output, message);
        }
        else
        {
            writer.WriteSerialized(output, serialized);
        }
    }

    private void StartResponse(Metadata? responseHeaders)
    {
        if (_responseStarted)
        {
            if (responseHeaders is not null)
            {
                throw new InvalidOperationException("Response headers can only be sent once per call.");
            }

            return;
        }

        _responseStarted = true;

        // From here on the body writer is fixed (middleware could swap the body feature only before the response
        // starts): keep it for every message.
        _responseBody = _httpContext.Response.BodyWriter;
        var headers = _httpContext.Response.Headers;
        if (responseHeaders is { Count: > 0 })
        {
            MetadataCodec.WriteToHeaders(headers, responseHeaders);
        }

        if (_compressingWriter?.Compression is { } compression)
        {
            headers.GrpcEncoding = compression.EncodingName;
        }
    }

    private GrpcMessageWriter CreateCompressingWriter(ICompressionProvider compression) =>
        new(Runtime.MaxSendMessageSize, compression, Runtime.ResponseCompressionLevel);

    private static string FormatPeer(ConnectionInfo connection)
    {
        var address = connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"ipv6:[{address}]:{connection.RemotePort}"
            : $"ipv4:{address}:{connection.RemotePort}";
    }
}
