using Microsoft.Extensions.Logging;
using NotifyBroker.Core.Events;

namespace NotifyBroker.Server.Hosting;

/// <summary>The host's log messages (structured: every value is a named property).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "NotifyBroker ready: listening on {Addresses} (broker {BrokerName}, desktop {Desktop}, history epoch {Epoch})")]
    public static partial void Ready(ILogger logger, string addresses, string brokerName, string desktop, string epoch);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "NotifyBroker stopping: health NOT_SERVING, ending subscriptions with their resume positions")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Desktop {Desktop} chosen (configured {Configured})")]
    public static partial void DesktopChosen(ILogger logger, string desktop, string configured);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "Subscription from {Peer} opened at {Position} (recovered {Recovered})")]
    public static partial void SubscriptionOpened(ILogger logger, string peer, string position, bool recovered);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "Subscription from {Peer} cancelled by the client after {Position}")]
    public static partial void SubscriptionCancelled(ILogger logger, string peer, string position);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Slow consumer {Peer} disconnected; it can resume after {Position}")]
    public static partial void SlowConsumer(ILogger logger, string peer, string position);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Stream to {Peer} reset: its client stopped reading while overflowed (or the broker is stopping); it can resume after {Position}")]
    public static partial void StalledStreamReset(ILogger logger, string peer, string position);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Windows desktop: {Message}")]
    public static partial void WindowsDesktop(ILogger logger, string message);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error,
        Message = "Listener message 0x{MessageId:X4} (origin {Origin}) could not be published and is lost: no subscriber will receive it")]
    public static partial void ListenerPublishFailed(ILogger logger, uint messageId, WindowMessageOrigin origin, Exception error);
}
