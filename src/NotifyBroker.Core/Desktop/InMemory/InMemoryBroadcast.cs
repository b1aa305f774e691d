using NotifyBroker.Core.Errors;
using static NotifyBroker.Core.Desktop.BroadcastFlags;

namespace NotifyBroker.Core.Desktop.InMemory;

/// <summary>
/// One BroadcastSystemMessageEx call on the in-memory desktop. The rules are Win32's: windows are visited one at a
/// time in order; BSF_IGNORECURRENTTASK skips the sender's own windows; BSF_POSTMESSAGE and BSF_SENDNOTIFYMESSAGE
/// queue the message and move on; otherwise the sender waits for each window (up to the timeout), a BSF_QUERY
/// recipient can veto with BROADCAST_QUERY_DENY, and a hung recipient stops a BSF_QUERY or BSF_NOHANG broadcast
/// unless BSF_FORCEIFHUNG says to carry on.
/// </summary>
internal sealed class InMemoryBroadcast
{
    /// <summary>What the listener's window procedure returns: TRUE, so it never vetoes a query.</summary>
    private const nint ListenerResult = 1;

    private readonly InMemoryDesktop _desktop;
    private readonly int _senderProcessId;
    private readonly BroadcastCommand _command;
    private readonly bool _fromBroker;

    public InMemoryBroadcast(InMemoryDesktop desktop, int senderProcessId, BroadcastCommand command, bool fromBroker)
    {
        _desktop = desktop;
        _senderProcessId = senderProcessId;
        _command = command;
        _fromBroker = fromBroker;
    }

    private uint Flags => _command.Flags;

    private bool Has(uint flag) => (Flags & flag) != 0;

    public async ValueTask<BroadcastOutcome> RunAsync(IReadOnlyList<SimulatedWindow> windows, CancellationToken cancellationToken)
    {
        Validate();
        var recipients = _command.Recipients;
        if (!BroadcastRecipients.ReachesWindows(recipients))
        {
            // The driver-only recipients mean nothing on NT: nothing is delivered, yet the call succeeds.
            return new BroadcastOutcome(1, recipients, 0, null);
        }

        var allDesktops = BroadcastRecipients.ReachesAllDesktops(recipients);
        var delivered = 0;
        foreach (var window in windows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if ((!allDesktops && window.Hdesk != _desktop.DesktopHandle) ||
                (Has(BSF_IGNORECURRENTTASK) && window.ProcessId == _senderProcessId))
            {
                continue;
            }

            if (!IsSynchronous(Flags))
            {
                Queue(window);
                delivered++;
                continue;
            }

            if (window.IsHung)
            {
                if (!Has(BSF_NOHANG))
                {
                    // SendMessageTimeout without SMTO_ABORTIFHUNG waits out the whole timeout for a hung window.
                    await Task.Delay(_command.Timeout, _desktop.Time, cancellationToken).ConfigureAwait(false);
                }

                if ((Has(BSF_QUERY) || Has(BSF_NOHANG)) && !Has(BSF_FORCEIFHUNG))
                {
                    return new BroadcastOutcome(0, recipients, delivered, null);
                }

                continue;
            }

            var result = Send(window);
            delivered++;
            if (Has(BSF_QUERY) && result == WindowMessages.BROADCAST_QUERY_DENY)
            {
                // BSMINFO: hwnd always, hdesk only when BSF_RETURNHDESK asks for it.
                var denier = new WindowIdentity(window.Hwnd, Has(BSF_RETURNHDESK) ? window.Hdesk : 0, window.Name);
                return new BroadcastOutcome(0, recipients, delivered, denier);
            }
        }

        return new BroadcastOutcome(1, recipients, delivered, null);
    }

    /// <summary>The checks BroadcastSystemMessageEx itself makes, whoever calls it.</summary>
    private void Validate()
    {
        BroadcastFlags.EnsureValid(Flags, _command.Recipients);
        if (_command.Payload is not null && !IsSynchronous(Flags))
        {
            // Only a synchronous send marshals pointer data; Windows refuses to post it.
            throw new BrokerException(Win32Error.ERROR_MESSAGE_SYNC_ONLY, "A message with pointer data must be sent synchronously.");
        }
    }

    private void Queue(SimulatedWindow window)
    {
        var mode = Has(BSF_POSTMESSAGE) ? DeliveryMode.Posted : DeliveryMode.Notified;
        if (_desktop.IsListener(window))
        {
            DeliverToListener();
            return;
        }

        window.Enqueue(Message(mode));
    }

    private nint Send(SimulatedWindow window)
    {
        if (_desktop.IsListener(window))
        {
            DeliverToListener();
            return ListenerResult;
        }

        return window.Run(Message(DeliveryMode.Sent));
    }

    private DeliveredWindowMessage Message(DeliveryMode mode) =>
        new(_command.MessageId, _command.WParam, _command.LParam, _command.Payload, mode, _senderProcessId);

    private void DeliverToListener()
    {
        var received = new ReceivedWindowMessage(
            _command.MessageId,
            _command.WParam,
            _command.LParam,
            _command.Payload,
            FromBroadcastRpc: _fromBroker,
            BroadcastFlags: _fromBroker ? Flags : 0,
            ReceivedAt: _desktop.Time.GetUtcNow(),
            Correlation: _fromBroker ? _command.Correlation : null);
        _desktop.DeliverToListener(in received);
    }
}
