using NotifyBroker.Core.Aliases;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Observability;
using NotifyBroker.Core.Policy;
using NotifyBroker.Core.Subscriptions;

namespace NotifyBroker.Core.Operations;

/// <summary>
/// Send (NetMessageBufferSend): an alias the broker knows (registered or held) gets an alias event through the
/// engine; any other alias goes to the desktop's session path when the desktop has one, else NERR_NameNotFound.
/// </summary>
internal sealed class SendOperation
{
    private readonly SendPolicy _policy;
    private readonly AliasTable _aliases;
    private readonly SubscriberAudience _audience;
    private readonly IBrokerEngine _engine;
    private readonly IDesktop _desktop;
    private readonly string _brokerName;

    public SendOperation(SendPolicy policy, AliasTable aliases, SubscriberAudience audience, IBrokerEngine engine, IDesktop desktop, string brokerName)
    {
        _policy = policy;
        _aliases = aliases;
        _audience = audience;
        _engine = engine;
        _desktop = desktop;
        _brokerName = brokerName;
    }

    public ValueTask<BrokerSendResult> RunAsync(BrokerSendRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var send = _policy.Validate(request);
        if (_aliases.OwnerOf(send.MsgName) is { } owner)
        {
            return ValueTask.FromResult(PublishToAlias(send, owner));
        }

        if (_desktop.Capabilities == DesktopCapabilities.None)
        {
            throw new BrokerException(Win32Error.NERR_NameNotFound, $"No alias '{send.MsgName}' is registered or held, and this desktop has no session path.");
        }

        return SendToSessionAsync(send, cancellationToken);
    }

    private BrokerSendResult PublishToAlias(ValidSend send, string owner)
    {
        // Published and counted in one step against subscriptions opening meanwhile: exactly the streams whose cursor
        // was placed before the message, i.e. those that will deliver it unless they end first.
        var body = new AliasMessageBody(send.FromName, send.MsgName, send.Text, _brokerName, owner);
        var trace = TraceContext.FromCurrentActivity();
        var (published, recipients) = _audience.Publish(send.MsgName, owner, () => _engine.Publish(body, trace));
        BrokerTelemetry.AliasMessages.Add(1);
        return new BrokerSendResult(SendPath.Alias, recipients, published.Position, 0);
    }

    private async ValueTask<BrokerSendResult> SendToSessionAsync(ValidSend send, CancellationToken cancellationToken)
    {
        using var activity = BrokerTelemetry.StartDesktopCall("send_to_session");
        activity?.SetTag("notify.msg_name", send.MsgName);
        try
        {
            var message = new SessionMessage(send.MsgName, send.FromName, send.Text, send.Title, send.Style, send.Timeout);
            var outcome = await _desktop.SendToSessionAsync(message, cancellationToken).ConfigureAwait(false);
            var path = outcome.Path == SessionSendPath.Session ? SendPath.Session : SendPath.Messenger;
            return new BrokerSendResult(path, outcome.Recipients, null, outcome.Response);
        }
        catch (BrokerException error)
        {
            BrokerTelemetry.RecordFailure(activity, error);
            throw;
        }
    }
}
