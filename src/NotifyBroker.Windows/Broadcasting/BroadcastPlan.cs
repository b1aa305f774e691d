using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;

namespace NotifyBroker.Windows.Broadcasting;

/// <summary>How one broadcast is made: the dwFlags actually passed and whether lParam points at a by-value payload.</summary>
/// <param name="Flags">The BSF_* bits passed to BroadcastSystemMessageExW, with an explicit delivery mode.</param>
/// <param name="CarriesPayload">True when lParam points at memory the desktop allocates for the call.</param>
internal readonly record struct BroadcastPlan(uint Flags, bool CarriesPayload)
{
    /// <summary>True when the call returns only after every recipient has processed the message.</summary>
    public bool IsSynchronous => (Flags & BroadcastFlags.ExplicitSynchronousMode) != 0;

    /// <summary>
    /// Chooses the delivery mode. BSF_POSTMESSAGE and BSF_SENDNOTIFYMESSAGE are kept; every other request is a
    /// synchronous send, made with BSF_QUERY because that is the one synchronous mode both Windows and Wine implement
    /// the same way (with no mode bit Wine send-notifies, Windows is believed to send). Pointer-carrying messages
    /// must be sent synchronously: the system marshals their data only for a send, and an asynchronous request for
    /// one fails as Windows fails it, with ERROR_MESSAGE_SYNC_ONLY (Wine would silently drop it).
    /// Unknown BSF bits are passed through so that the system rejects them with its own ERROR_INVALID_PARAMETER.
    /// </summary>
    public static BroadcastPlan For(BroadcastCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        bool asynchronous = !BroadcastFlags.IsSynchronous(command.Flags);
        bool pointerMessage = PointerMessages.LParamIsPointer(command.MessageId, command.LParam, command.Payload);

        if (pointerMessage)
        {
            PointerMessages.EnsureFits(command.MessageId, command.LParam, command.Payload);
            if (asynchronous)
            {
                throw new BrokerException(
                    Win32Error.ERROR_MESSAGE_SYNC_ONLY,
                    $"Message 0x{command.MessageId:X4} carries a pointer in lParam; it can only be sent synchronously, not with BSF_POSTMESSAGE or BSF_SENDNOTIFYMESSAGE.");
            }
        }
        else if (command.Payload is not null)
        {
            throw new BrokerException(
                Win32Error.ERROR_INVALID_PARAMETER,
                $"Message 0x{command.MessageId:X4} does not carry a pointer in lParam, so the system would not marshal a payload with it.");
        }

        uint flags = asynchronous ? command.Flags : command.Flags | BroadcastFlags.ExplicitSynchronousMode;
        return new BroadcastPlan(flags, command.Payload is not null);
    }
}
