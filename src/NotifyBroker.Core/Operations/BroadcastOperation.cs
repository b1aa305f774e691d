using System.Diagnostics;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Listening;
using NotifyBroker.Core.Observability;
using NotifyBroker.Core.Policy;
using NotifyBroker.Core.Security;

namespace NotifyBroker.Core.Operations;

/// <summary>
/// Broadcast: check it against the broadcast policy for its caller, resolve the message (a registered name within the
/// caller's quota), and run BroadcastSystemMessageEx on the desktop inside a span.
/// </summary>
internal sealed class BroadcastOperation
{
    private readonly IDesktop _desktop;
    private readonly BroadcastPolicy _policy;
    private readonly TimeProvider _time;

    public BroadcastOperation(IDesktop desktop, BroadcastPolicy policy, TimeProvider time)
    {
        _desktop = desktop;
        _policy = policy;
        _time = time;
    }

    public async ValueTask<BrokerBroadcastResult> RunAsync(BrokerBroadcastRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sentAt = _time.GetUtcNow();
        var caller = request.Caller ?? Caller.Operator;

        // The policy decides before the desktop sees anything, the registration of a name included.
        _policy.Check(request, caller, _desktop.HostName);
        var messageId = request.MessageId ??
            _policy.RegisterName(caller, request.RegisteredName!, name => DesktopCalls.RegisterWindowMessage(_desktop, name));
        var command = _policy.ToCommand(request, caller, messageId);

        using var activity = BrokerTelemetry.StartDesktopCall("broadcast");
        if (activity is not null)
        {
            activity.SetTag("win32.message_id", messageId);
            activity.SetTag("win32.bsf_flags", command.Flags);
            activity.SetTag("win32.bsm_recipients", command.Recipients);
        }

        // Travels through the desktop to our own listener, which links its receive span to this one.
        var context = activity?.Context ?? Activity.Current?.Context ?? default;
        command = command with { Correlation = new BroadcastCorrelation(context, sentAt) };

        BroadcastOutcome outcome;
        try
        {
            outcome = await _desktop.BroadcastAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerException error)
        {
            BrokerTelemetry.RecordFailure(activity, error);
            throw;
        }

        activity?.SetTag("notify.broadcast.result", outcome.Result);
        activity?.SetTag("notify.broadcast.delivered", outcome.Delivered);
        return new BrokerBroadcastResult(outcome.Result, outcome.Recipients, messageId, outcome.DeniedBy, outcome.Delivered, command.Flags);
    }
}
