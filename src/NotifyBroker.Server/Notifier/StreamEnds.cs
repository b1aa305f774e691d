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

    public static RpcException BrokerStopping(StreamPosition resumeAfter) => Resumable(
        StatusCode.Unavailable,
        $"The broker is stopping; resume after {resumeAfter}.",
        NotifyStatus.BrokerStoppingReason,
        resumeAfter);

    private static RpcException Resumable(StatusCode code, string message, string reason, StreamPosition resumeAfter)
    {
        var info = new ErrorInfo { Reason = reason, Domain = NotifyStatus.Domain };
        info.Metadata.Add("offset", resumeAfter.Offset.ToString(CultureInfo.InvariantCulture));
        info.Metadata.Add("epoch", resumeAfter.Epoch);
        return NotifyStatus.Create(code, message, info, PositionMapping.ToContract(resumeAfter));
    }
}
