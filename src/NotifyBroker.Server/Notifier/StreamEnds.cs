using System.Globalization;
using Google.Rpc;
using NotifyBroker.Core.Events;
using Grpc.Core;
using NotifyBroker.Server.Errors;
using NotifyBroker.Server.Mapping;
using StatusCode = Grpc.Core.StatusCode;

namespace NotifyBroker.Server.Notifier;

/// <summary>
/// The statuses a Subscribe stream ends with when the client can resume: the ErrorInfo names why and carries the
/// resume position as metadata (offset, epoch), and a packed notify.v1.Position gives it in typed form.
/// </summary>
internal static class StreamEnds
{
    public static RpcException SlowConsumer(StreamPosition resumeAfter, long capacity) => Resumable(
        StatusCode.ResourceExhausted,
        $"The subscriber fell more than {capacity.ToString(CultureInfo.InvariantCulture)} events behind; resume after {resumeAfter}.",
        NotifyStatus.SlowConsumerReason,
        resumeAfter);

    /// <summary>ErrorInfo metadata "cause" of a stream ended by the drain rule (<see cref="DrainTimeout"/>).</summary>
    public const string DrainTimeoutCause = "drain_timeout";

    /// <summary>
    /// The drain rule: the client did not take what the stream had written within <paramref name="drainTimeout"/>
    /// (Broker:StreamDrainTimeout), whether or not it had fallen behind by its capacity. The same SLOW_CONSUMER end
    /// as an overflow, so every client resumes from it the same way, with metadata "cause" = "drain_timeout" and
    /// "drain_timeout_ms" telling the two apart.
    /// </summary>
    public static RpcException DrainTimeout(StreamPosition resumeAfter, TimeSpan drainTimeout) => Resumable(
        StatusCode.ResourceExhausted,
        $"The subscriber did not take what the broker had written within {drainTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; resume after {resumeAfter}.",
        NotifyStatus.SlowConsumerReason,
        resumeAfter,
        ("cause", DrainTimeoutCause),
        ("drain_timeout_ms", ((long)drainTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)));

    public static RpcException BrokerStopping(StreamPosition resumeAfter) => Resumable(
        StatusCode.Unavailable,
        $"The broker is stopping; resume after {resumeAfter}.",
        NotifyStatus.BrokerStoppingReason,
        resumeAfter);

    /// <summary>The engine lost its shared store (Redis): resume after the position, here once it is back or on another broker.</summary>
    public static RpcException EngineUnavailable(StreamPosition resumeAfter) => Resumable(
        StatusCode.Unavailable,
        $"The broker's event engine is unavailable (Redis is unreachable); resume after {resumeAfter}.",
        NotifyStatus.EngineUnavailableReason,
        resumeAfter);

    private static RpcException Resumable(StatusCode code, string message, string reason, StreamPosition resumeAfter, params (string Key, string Value)[] more)
    {
        var info = new ErrorInfo { Reason = reason, Domain = NotifyStatus.Domain };
        info.Metadata.Add("offset", resumeAfter.Offset.ToString(CultureInfo.InvariantCulture));
        info.Metadata.Add("epoch", resumeAfter.Epoch);
        foreach (var (key, value) in more)
        {
            info.Metadata.Add(key, value);
        }

        return NotifyStatus.Create(code, message, info, PositionMapping.ToContract(resumeAfter));
    }
}
