using Grpc.Core;

namespace NotifyBroker.Client.Subscriptions;

/// <summary>Which stream failures a resubscribe can cure.</summary>
internal static class ResumableFailures
{
    public static bool IsResumable(NotifyException failure) => failure.StatusCode switch
    {
        // The broker stopping, a refused or lost connection.
        StatusCode.Unavailable => true,
        // Only the broker's slow-consumer end: other exhaustion (e.g. message too large) would just repeat.
        StatusCode.ResourceExhausted => failure.IsSlowConsumer,
        // A stream reset by the transport mid-call (RST_STREAM INTERNAL_ERROR, GOAWAY): the server sent no details.
        StatusCode.Internal => failure.ErrorInfo is null,
        _ => false,
    };
}
