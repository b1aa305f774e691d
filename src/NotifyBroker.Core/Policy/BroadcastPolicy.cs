using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using static NotifyBroker.Core.Desktop.BroadcastFlags;

namespace NotifyBroker.Core.Policy;

/// <summary>
/// Turns a client's broadcast into a command the desktop can run as is, refusing (ERROR_INVALID_PARAMETER) what
/// Win32 would refuse or what would be unsafe: unknown BSF/BSM bits, BSF_QUERY with an asynchronous mode, two
/// asynchronous modes, ids above 0xFFFF, a raw pointer in lParam, a payload the message cannot carry. Pointer
/// messages are forced to a synchronous send and every command gets an explicit delivery mode.
/// </summary>
internal sealed class BroadcastPolicy
{
    /// <summary>SendMessageTimeout's uTimeout is a UINT of milliseconds.</summary>
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly TimeSpan _defaultTimeout;

    public BroadcastPolicy(TimeSpan defaultTimeout)
    {
        _defaultTimeout = defaultTimeout;
    }

    /// <summary>Validate everything but the message name, which needs the desktop.</summary>
    public void ValidateShape(BrokerBroadcastRequest request)
    {
        var flags = request.Flags;
        if ((flags & ~All) != 0)
        {
            throw Invalid($"Unknown BSF_* bits 0x{flags & ~All:X8}.");
        }

        if ((request.Recipients & ~BroadcastRecipients.All) != 0)
        {
            throw Invalid($"Unknown BSM_* bits 0x{request.Recipients & ~BroadcastRecipients.All:X8}.");
        }

        if ((flags & BSF_QUERY) != 0 && (flags & AsynchronousModes) != 0)
        {
            throw Invalid("BSF_QUERY cannot be combined with BSF_POSTMESSAGE or BSF_SENDNOTIFYMESSAGE.");
        }

        if ((flags & AsynchronousModes) == AsynchronousModes)
        {
            throw Invalid("BSF_POSTMESSAGE and BSF_SENDNOTIFYMESSAGE are two different delivery modes; pick one.");
        }

        if (request.MessageId.HasValue == (request.RegisteredName is not null))
        {
            throw Invalid("Give exactly one of a message id and a registered message name.");
        }

        if (request.MessageId > WindowMessages.RegisteredLast)
        {
            throw Invalid("Message ids above 0xFFFF are reserved.");
        }

        if (request.Timeout < TimeSpan.Zero || request.Timeout > MaxTimeout)
        {
            throw Invalid("The timeout must be between zero and 49 days.");
        }
    }

    /// <summary>Build the command for <paramref name="messageId"/> (resolved from the request).</summary>
    public BroadcastCommand ToCommand(BrokerBroadcastRequest request, uint messageId)
    {
        ValidateLParam(messageId, request.LParam, request.Payload);

        var flags = request.Flags;
        if (PointerMessages.NeedsSynchronousSend(messageId))
        {
            flags &= ~AsynchronousModes;
        }

        if (IsSynchronous(flags))
        {
            flags |= ExplicitSynchronousMode;
        }

        var timeout = request.Timeout == TimeSpan.Zero ? _defaultTimeout : request.Timeout;
        return new BroadcastCommand(flags, request.Recipients, messageId, request.WParam, request.LParam, request.Payload, timeout);
    }

    private static void ValidateLParam(uint messageId, long lParam, WindowMessagePayload? payload)
    {
        switch (PointerMessages.Classify(messageId))
        {
            case LParamKind.Integer when payload is not null:
                throw Invalid($"Message 0x{messageId:X4} takes an integer lParam, not a payload.");
            case LParamKind.CopyData when payload is not WindowMessagePayload.CopyData:
                throw Invalid("WM_COPYDATA needs a CopyData payload.");
            case LParamKind.Text when payload is not (null or WindowMessagePayload.Text):
                throw Invalid($"Message 0x{messageId:X4} carries a string payload.");
            case LParamKind.UnsupportedPointer when payload is not null:
                throw Invalid($"The broker cannot carry the lParam data of message 0x{messageId:X4}.");
            case not LParamKind.Integer when lParam != 0:
                throw Invalid($"The lParam of message 0x{messageId:X4} is a pointer: pass 0 (and the data as a payload where one is supported).");
        }
    }

    private static BrokerException Invalid(string message) => new(Win32Error.ERROR_INVALID_PARAMETER, message);
}
