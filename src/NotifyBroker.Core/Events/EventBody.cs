using NotifyBroker.Core.Desktop;

namespace NotifyBroker.Core.Events;

/// <summary>What an event carries: a window message the listener received, or a message sent to an alias.</summary>
public abstract record EventBody
{
    private protected EventBody() { }
}

/// <summary>Where a window message came from.</summary>
public enum WindowMessageOrigin
{
    /// <summary>This broker's own Broadcast call.</summary>
    BroadcastRpc,
    /// <summary>Another program, or the system.</summary>
    Desktop,
}

/// <summary>A window message the broker's listener window received.</summary>
/// <param name="MessageId">The message id.</param>
/// <param name="RegisteredName">The registered message's name, when the id is one the desktop knows.</param>
/// <param name="WParam">wParam.</param>
/// <param name="LParam">lParam (meaningless as a number when <paramref name="Payload"/> is set).</param>
/// <param name="Payload">The by-value data of a pointer-carrying message.</param>
/// <param name="Origin">Who sent it.</param>
/// <param name="Host">The host whose desktop received it.</param>
/// <param name="SentAt">When this broker's Broadcast call arrived, for its own broadcasts.</param>
/// <param name="ReceivedAt">When the listener's window procedure ran.</param>
/// <param name="BroadcastFlags">The BSF_* flags of the broadcast, where known (0 otherwise).</param>
/// <param name="Detail">A decoding of a well-known system message, or null.</param>
public sealed record WindowMessageBody(
    uint MessageId,
    string? RegisteredName,
    ulong WParam,
    long LParam,
    WindowMessagePayload? Payload,
    WindowMessageOrigin Origin,
    string Host,
    DateTimeOffset? SentAt,
    DateTimeOffset ReceivedAt,
    uint BroadcastFlags,
    MessageDetail? Detail) : EventBody;

/// <summary>A text message sent to an alias (NetMessageBufferSend).</summary>
/// <param name="Owner">The id of the identity that owned the alias when the message was sent: only it (or an admin) receives it. Empty: anyone who filters on it.</param>
public sealed record AliasMessageBody(string FromName, string Alias, string Text, string ServerName, string Owner = "") : EventBody;
