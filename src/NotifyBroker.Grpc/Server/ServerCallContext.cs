using Microsoft.AspNetCore.Http;

namespace NotifyBroker.Grpc.Server;

/// <summary>What a handler knows about its call, and how it shapes the response's headers and trailers.</summary>
public abstract class ServerCallContext
{
    /// <summary>The :path, e.g. "/notify.v1.Notifier/Send".</summary>
    public abstract string Method { get; }

    /// <summary>The :authority the client called.</summary>
    public abstract string Host { get; }

    /// <summary>The peer's address, e.g. "ipv4:127.0.0.1:53122".</summary>
    public abstract string Peer { get; }

    /// <summary>When the call's grpc-timeout expires (UTC), or <see cref="DateTime.MaxValue"/> without one.</summary>
    public abstract DateTime Deadline { get; }

    /// <summary>The client's custom metadata (protocol headers such as grpc-timeout and te are not included).</summary>
    public abstract Metadata RequestHeaders { get; }

    /// <summary>Fires when the client cancels (RST_STREAM), the connection drops, or the deadline passes.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Trailing metadata sent with the status when the call ends.</summary>
    public abstract Metadata ResponseTrailers { get; }

    /// <summary>The status the call ends with when the handler returns normally (OK unless set).</summary>
    public abstract Status Status { get; set; }

    /// <summary>Options for response messages, e.g. <see cref="WriteFlags.NoCompress"/>.</summary>
    public abstract WriteOptions? WriteOptions { get; set; }

    /// <summary>
    /// The encoding (e.g. "gzip") the server compresses response messages with, if any. A handler may set it to a
    /// supported encoding that the client accepts (grpc-accept-encoding) before the first message is written.
    /// </summary>
    public abstract string? ResponseEncoding { get; set; }

    /// <summary>True when the request message most recently read arrived with the Compressed-Flag set.</summary>
    public abstract bool LastRequestWasCompressed { get; }

    /// <summary>Sends the response headers now, with <paramref name="responseHeaders"/>; at most once per call.</summary>
    public abstract Task WriteResponseHeadersAsync(Metadata responseHeaders);

    /// <summary>The underlying ASP.NET Core context, for what this abstraction does not cover.</summary>
    public abstract HttpContext HttpContext { get; }
}
