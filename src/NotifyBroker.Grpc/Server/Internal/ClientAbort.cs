using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace NotifyBroker.Grpc.Server.Internal;

/// <summary>
/// Recognises the exceptions with which Kestrel fails a request body whose client went away. It completes the body
/// with the abort reason before the RequestAborted token fires (that cancellation is scheduled on the thread pool),
/// so a handler blocked in a read sees the exception first: an IOException ("The client reset the request stream."
/// for RST_STREAM, another message when the connection dropped) or a ConnectionAbortedException.
/// </summary>
internal static class ClientAbort
{
    /// <summary>
    /// True for an abort of the request stream. <see cref="BadHttpRequestException"/> is an IOException too, but it
    /// reports a malformed request (e.g. a body over the size limit), not a client that left.
    /// </summary>
    public static bool IsAbortException(Exception exception) =>
        exception is ConnectionAbortedException || (exception is IOException && exception is not BadHttpRequestException);

    /// <summary>The exception a reader of a call's request throws once the client has aborted it.</summary>
    public static OperationCanceledException RequestCanceled(Exception abort, CancellationToken callToken) =>
        new("The client canceled the call: " + abort.Message, abort, callToken);
}
