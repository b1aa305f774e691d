using System.Diagnostics;
using NotifyBroker.Core.Decoding;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Observability;

namespace NotifyBroker.Core.Listening;

/// <summary>
/// Receives what the listener window receives and publishes it as an event. Runs on the desktop's message-loop
/// thread, so it only decodes, appends to history and returns; it never throws into the window procedure. A message
/// it cannot publish is handed to the host's failure hook, so that it is not lost silently.
/// </summary>
/// <remarks>
/// A message whose event would be larger than <see cref="BrokerOptions.MaxEventBytes"/> (a 4 MiB WM_COPYDATA from
/// another program, say: our own Broadcast refuses such a request before it reaches the desktop) is dropped, not
/// truncated: the engine refuses it (<see cref="EventSize.TooLarge"/>) and it reaches the failure hook like any other
/// message that could not be published, which the host logs as an error. Published, it would be a poison event that
/// no client with the default 4 MiB receive limit can read, replayed to every subscriber that resumes over it; and a
/// truncated copy would be data the sender never sent, which the contract has no field to mark. History, positions
/// and subscribers go on as if it had never arrived.
/// </remarks>
internal sealed class ListenerSink : IWindowMessageSink
{
    private readonly IBrokerEngine _engine;
    private readonly IDesktop _desktop;
    private readonly Action<ListenerPublishFailure>? _publishFailed;

    public ListenerSink(IBrokerEngine engine, IDesktop desktop, Action<ListenerPublishFailure>? publishFailed)
    {
        _engine = engine;
        _desktop = desktop;
        _publishFailed = publishFailed;
    }

    public void OnWindowMessage(in ReceivedWindowMessage message)
    {
        var correlation = message.Correlation as BroadcastCorrelation;
        if (!BrokerTelemetry.Source.HasListeners())
        {
            Publish(in message, correlation, activity: null);
            return;
        }

        // The receive span starts a trace of its own, linked to the broadcast that caused it (if ours), instead of
        // inheriting whatever Activity.Current the calling thread happens to have.
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            ActivityLink[]? links = correlation is { BroadcastContext: var context } && context != default ? [new ActivityLink(context)] : null;
            using var activity = BrokerTelemetry.Source.StartActivity("listener.receive", ActivityKind.Consumer, parentContext: default, links: links);
            activity?.SetTag("win32.message_id", message.MessageId);
            Publish(in message, correlation, activity);
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    private void Publish(in ReceivedWindowMessage message, BroadcastCorrelation? correlation, Activity? activity)
    {
        try
        {
            var body = ToBody(in message, correlation);
            var trace = activity is not null ? TraceContext.From(activity.Context)
                : correlation is not null ? TraceContext.From(correlation.BroadcastContext)
                : TraceContext.None;
            var published = _engine.Publish(body, trace);
            // As long: OTLP has only signed 64-bit integers, and exporters turn a ulong attribute into a string.
            activity?.SetTag("notify.position", (long)published.Position.Offset);
            BrokerTelemetry.MessagesReceived.Add(1);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // An exception escaping a window procedure would take the process down with it. Record it instead.
            activity?.AddException(error);
            activity?.SetStatus(ActivityStatusCode.Error, error.Message);
            BrokerTelemetry.PublishFailures.Add(1);
            ReportPublishFailure(new ListenerPublishFailure(message.MessageId, OriginOf(in message), error));
        }
    }

    private void ReportPublishFailure(ListenerPublishFailure failure)
    {
        try
        {
            _publishFailed?.Invoke(failure);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // The hook is the host's (a logger); a fault in it must not escape into the window procedure either, and
            // there is nowhere left to report it: the failure counter above has already recorded the lost message.
        }
    }

    private WindowMessageBody ToBody(in ReceivedWindowMessage message, BroadcastCorrelation? correlation) => new(
        message.MessageId,
        _desktop.GetRegisteredMessageName(message.MessageId),
        message.WParam,
        message.LParam,
        message.Payload,
        OriginOf(in message),
        _desktop.HostName,
        correlation?.SentAt,
        message.ReceivedAt,
        message.BroadcastFlags,
        WindowMessageDecoder.Decode(message.MessageId, message.WParam, message.LParam, message.Payload));

    private static WindowMessageOrigin OriginOf(in ReceivedWindowMessage message) =>
        message.FromBroadcastRpc ? WindowMessageOrigin.BroadcastRpc : WindowMessageOrigin.Desktop;
}
