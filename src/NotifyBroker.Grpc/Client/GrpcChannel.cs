using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using NotifyBroker.Grpc.Protocol;
using NotifyBroker.Grpc.Protocol.Compression;

namespace NotifyBroker.Grpc.Client;

/// <summary>
/// A connection to one gRPC server: http:// speaks HTTP/2 with prior knowledge, https:// negotiates h2 with ALPN.
/// Calls are multiplexed over one SocketsHttpHandler, which opens more connections when a connection's stream limit
/// is reached. Thread-safe; create one per server and share it. Disposing it ends the connections.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    /// <summary>Shared by every request: header values are only read once set.</summary>
    internal static readonly MediaTypeHeaderValue GrpcContentType = new(GrpcProtocolConstants.ContentType);

    private readonly ConcurrentDictionary<string, Uri> _methodUris = new(StringComparer.Ordinal);
    private readonly Metadata? _defaultHeaders;
    private readonly string _userAgent;
    private readonly ICompressionProvider? _defaultCompression;
    private int _disposed;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The address must be an absolute http:// or https:// URI, not '{address}'.", nameof(address));
        }

        Address = address;
        MaxReceiveMessageSize = options.MaxReceiveMessageSize;
        MaxSendMessageSize = options.MaxSendMessageSize;
        _defaultCompression = FindCompression(options.CompressionEncoding);
        _defaultHeaders = options.DefaultHeaders;
        _userAgent = options.UserAgent;
        CallObserver = options.CallObserver;
        Invoker = new HttpMessageInvoker(options.HttpHandler ?? CreateHandler(options), options.HttpHandler is null || options.DisposeHttpHandler);
    }

    /// <summary>The server's address (scheme and authority; any path is ignored).</summary>
    public Uri Address { get; }

    internal HttpMessageInvoker Invoker { get; }

    internal int? MaxReceiveMessageSize { get; }

    internal int? MaxSendMessageSize { get; }

    internal ClientCallObserver? CallObserver { get; }

    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        return ForAddress(new Uri(address, UriKind.Absolute), options);
    }

    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new GrpcChannel(address, options ?? new GrpcChannelOptions());
    }

    /// <summary>Starts a unary call. Await the result for the response.</summary>
    public AsyncUnaryCall<TResponse> UnaryAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var call = CreateCall(method, MethodType.Unary);
        ArgumentNullException.ThrowIfNull(request);
        call.StartWithRequest(request, options);
        return new AsyncUnaryCall<TResponse>(call, call.ReadSingleResponseAsync());
    }

    /// <summary>Starts a server-streaming call. Read its ResponseStream.</summary>
    public AsyncServerStreamingCall<TResponse> ServerStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var call = CreateCall(method, MethodType.ServerStreaming);
        ArgumentNullException.ThrowIfNull(request);
        call.StartWithRequest(request, options);
        return new AsyncServerStreamingCall<TResponse>(call, call);
    }

    /// <summary>Starts a client-streaming call. Write to its RequestStream, complete it, await the response.</summary>
    public AsyncClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var call = CreateCall(method, MethodType.ClientStreaming);
        var writer = call.StartWithRequestStream(options);
        var response = call.ReadSingleResponseAsync();
        writer.ResponseCompletion = response;
        return new AsyncClientStreamingCall<TRequest, TResponse>(call, writer, response);
    }

    /// <summary>Starts a bidirectional-streaming call.</summary>
    public AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var call = CreateCall(method, MethodType.DuplexStreaming);
        var writer = call.StartWithRequestStream(options);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(call, writer, call);
    }

    /// <summary>Closes the channel's connections; calls still running fail.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Invoker.Dispose();
        }
    }

    /// <summary>The encoding for a call's requests: its own choice, else the channel's.</summary>
    internal ICompressionProvider? ResolveCompression(string? callEncoding) =>
        callEncoding is null ? _defaultCompression : FindCompression(callEncoding);

    /// <summary>The HTTP/2 request of a call, with the protocol headers and the custom metadata.</summary>
    internal HttpRequestMessage CreateRequest(string path, HttpContent content, Metadata? callHeaders, ICompressionProvider? compression)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, GetMethodUri(path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };

        var headers = request.Headers;
        headers.TryAddWithoutValidation(GrpcProtocolConstants.TeHeader, GrpcProtocolConstants.TeTrailers);
        headers.TryAddWithoutValidation(GrpcProtocolConstants.UserAgentHeader, _userAgent);
        headers.TryAddWithoutValidation(GrpcProtocolConstants.MessageAcceptEncodingHeader, CompressionProviders.Default.AcceptEncoding);
        if (compression is not null)
        {
            headers.TryAddWithoutValidation(GrpcProtocolConstants.MessageEncodingHeader, compression.EncodingName);
        }

        AddMetadata(headers, _defaultHeaders);
        AddMetadata(headers, callHeaders);
        return request;
    }

    private GrpcCall<TRequest, TResponse> CreateCall<TRequest, TResponse>(Method<TRequest, TResponse> method, MethodType expectedType)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (method.Type != expectedType)
        {
            throw new ArgumentException($"{method.FullName} is a {method.Type} method, not {expectedType}.", nameof(method));
        }

        return new GrpcCall<TRequest, TResponse>(this, method);
    }

    private Uri GetMethodUri(string path) =>
        _methodUris.GetOrAdd(path, static (path, address) => new Uri(address, path), Address);

    private static void AddMetadata(HttpRequestHeaders headers, Metadata? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        for (var i = 0; i < metadata.Count; i++)
        {
            var entry = metadata[i];
            headers.TryAddWithoutValidation(entry.Key, MetadataCodec.EncodeValue(entry));
        }
    }

    private static ICompressionProvider? FindCompression(string? encoding)
    {
        if (encoding is null || string.Equals(encoding, GrpcProtocolConstants.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return CompressionProviders.Default.Find(encoding)
            ?? throw new ArgumentException(
                $"Unsupported compression encoding '{encoding}'. Supported: {CompressionProviders.Default.AcceptEncoding}.", nameof(encoding));
    }

    private static SocketsHttpHandler CreateHandler(GrpcChannelOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // One connection carries at most the server's MAX_CONCURRENT_STREAMS (Kestrel: 100) calls; long-lived
            // subscriptions must not starve unary calls, so open more connections instead of queueing.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = options.PooledConnectionIdleTimeout,
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,

            // gRPC compresses per message; HTTP content-coding, cookies, redirects and proxies have no place here.
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            AllowAutoRedirect = false,
            UseProxy = false,
        };

        if (options.RemoteCertificateValidationCallback is { } validate)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = validate;
        }

        return handler;
    }
}
