using NotifyBroker.Core.Desktop;

namespace NotifyBroker.Core.Policy;

/// <summary>A Broadcast as a client asked for it (BroadcastSystemMessageEx's arguments), not yet validated.</summary>
public sealed record BrokerBroadcastRequest
{
    /// <summary>The broker to broadcast on: empty or this broker's own name is here; any other name is NERR_InvalidComputer.</summary>
    public string? ServerName { get; init; }

    /// <summary>BSF_* bits (see <see cref="BroadcastFlags"/>).</summary>
    public uint Flags { get; init; }

    /// <summary>BSM_* bits (see <see cref="BroadcastRecipients"/>); 0 is BSM_ALLCOMPONENTS.</summary>
    public uint Recipients { get; init; }

    /// <summary>The message by id. Exactly one of this and <see cref="RegisteredName"/>.</summary>
    public uint? MessageId { get; init; }

    /// <summary>The message by registered name: the broker registers it (RegisterWindowMessage).</summary>
    public string? RegisteredName { get; init; }

    public ulong WParam { get; init; }

    /// <summary>lParam as an integer. Must be 0 for a message whose lParam is a pointer.</summary>
    public long LParam { get; init; }

    /// <summary>The by-value data of a pointer-carrying message (WM_COPYDATA, WM_SETTINGCHANGE, WM_DEVMODECHANGE).</summary>
    public WindowMessagePayload? Payload { get; init; }

    /// <summary>Per-window wait of a synchronous send; zero means the broker's default.</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>Who asks; null is <see cref="Security.Caller.Operator"/> (code in the broker's own process).</summary>
    public Security.Caller? Caller { get; init; }
}

/// <summary>What the broadcast did.</summary>
/// <param name="Result">BroadcastSystemMessageEx's return: positive on success, 0 when vetoed (or a BSF_NOHANG recipient hung).</param>
/// <param name="Recipients">*lpInfo on return.</param>
/// <param name="MessageId">The id broadcast (the registered id when the request named the message).</param>
/// <param name="DeniedBy">The window that returned BROADCAST_QUERY_DENY, where known.</param>
/// <param name="Delivered">How many windows the message reached.</param>
/// <param name="Flags">The flags actually used (with the delivery mode the broker made explicit).</param>
public sealed record BrokerBroadcastResult(int Result, uint Recipients, uint MessageId, WindowIdentity? DeniedBy, int Delivered, uint Flags);
