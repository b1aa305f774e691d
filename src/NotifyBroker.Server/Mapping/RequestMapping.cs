using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Policy;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Server.Errors;
using CoreMessageRange = NotifyBroker.Core.Subscriptions.MessageRange;
using CoreSendPath = NotifyBroker.Core.Policy.SendPath;

namespace NotifyBroker.Server.Mapping;

/// <summary>
/// Contract requests → the core's requests, and the core's results → contract replies. Only the shape changes here;
/// the core validates meaning (flags, lengths, names) and reports it with Win32 codes.
/// </summary>
internal static class RequestMapping
{
    public static BrokerSendRequest ToCore(SendRequest request) => new()
    {
        ServerName = request.ServerName,
        MsgName = request.MsgName,
        FromName = request.FromName,
        Text = request.Text,
        Title = request.Title,
        Style = request.Style,
        Timeout = ContractTime.ToTimeSpanOrZero(request.Timeout, "timeout"),
    };

    public static SendReply ToContract(BrokerSendResult result) => new()
    {
        Recipients = (uint)Math.Max(0, result.Recipients),
        Path = result.Path switch
        {
            CoreSendPath.Alias => Contracts.V1.SendPath.Alias,
            CoreSendPath.Messenger => Contracts.V1.SendPath.Messenger,
            CoreSendPath.Session => Contracts.V1.SendPath.Session,
            _ => Contracts.V1.SendPath.Unspecified,
        },
        Position = result.Position is { } position ? PositionMapping.ToContract(position) : null,
        Response = result.Response,
    };

    public static BrokerBroadcastRequest ToCore(BroadcastRequest request) => new()
    {
        ServerName = request.ServerName,
        Flags = request.Flags,
        Recipients = request.Recipients,
        MessageId = request.MessageCase == BroadcastRequest.MessageOneofCase.MessageId ? request.MessageId : null,
        RegisteredName = request.MessageCase == BroadcastRequest.MessageOneofCase.RegisteredName ? request.RegisteredName : null,
        WParam = request.Wparam,
        LParam = request.Lparam,
        Payload = PayloadMapping.ToCore(request.Payload),
        Timeout = ContractTime.ToTimeSpanOrZero(request.Timeout, "timeout"),
    };

    public static BroadcastReply ToContract(BrokerBroadcastResult result) => new()
    {
        Result = result.Result,
        Recipients = result.Recipients,
        MessageId = result.MessageId,
        Delivered = (uint)Math.Max(0, result.Delivered),
        DeniedBy = result.DeniedBy is { } denier ? new Denier { Hwnd = denier.Hwnd, Hdesk = denier.Hdesk, Name = denier.Name } : null,
    };

    public static SubscriptionRequest ToCore(SubscribeRequest request)
    {
        if (request.MessageRanges.Any(static r => r is null))
        {
            throw NotifyStatus.FromWin32(Win32Error.ERROR_INVALID_PARAMETER, "A message range is empty.");
        }

        return new SubscriptionRequest
        {
            MessageIds = [.. request.MessageIds],
            MessageRanges = [.. request.MessageRanges.Select(static r => new CoreMessageRange(r.First, r.Last))],
            RegisteredNames = [.. request.RegisteredNames],
            Aliases = [.. request.Aliases],
            HoldAliases = [.. request.HoldAliases],
            After = request.StartCase == SubscribeRequest.StartOneofCase.After ? PositionMapping.ToCore(request.After) : null,
            Since = request.StartCase == SubscribeRequest.StartOneofCase.Since ? ContractTime.ToDateTimeOffset(request.Since, "since") : null,
        };
    }
}
