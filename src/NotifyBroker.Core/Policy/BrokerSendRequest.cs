using NotifyBroker.Core.Events;

namespace NotifyBroker.Core.Policy;

/// <summary>A Send as a client asked for it (NetMessageBufferSend's arguments, plus WTSSendMessage's), not yet validated.</summary>
public sealed record BrokerSendRequest
{
    /// <summary>Empty, or this broker's name (optionally with a leading "\\"), means local.</summary>
    public string? ServerName { get; init; }

    /// <summary>The alias. Required; case-insensitive.</summary>
    public string? MsgName { get; init; }

    /// <summary>The sender shown; empty means the host name.</summary>
    public string? FromName { get; init; }

    /// <summary>The message, at most the configured number of UTF-16 code units (1,024 by default).</summary>
    public string? Text { get; init; }

    /// <summary>Session path only: message box title.</summary>
    public string? Title { get; init; }

    /// <summary>Session path only: MB_* style.</summary>
    public uint Style { get; init; }

    /// <summary>Session path only: how long to wait for the user; zero = don't wait (IDASYNC).</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>Who asks; null is <see cref="Security.Caller.Operator"/> (code in the broker's own process).</summary>
    public Security.Caller? Caller { get; init; }
}

/// <summary>How a Send was delivered.</summary>
public enum SendPath
{
    /// <summary>To the subscriptions that hold or filter the alias.</summary>
    Alias = 1,
    /// <summary>By the Messenger service (NetMessageBufferSend).</summary>
    Messenger = 2,
    /// <summary>To user sessions (WTSSendMessage).</summary>
    Session = 3,
}

/// <summary>What a Send did.</summary>
/// <param name="Path">How it was delivered.</param>
/// <param name="Recipients">Live subscriptions that will receive it (alias path) or sessions reached (session path).</param>
/// <param name="Position">Where the alias message landed in history (alias path only).</param>
/// <param name="Response">The user's answer on the session path (IDOK ... IDTIMEOUT, IDASYNC); 0 otherwise.</param>
public sealed record BrokerSendResult(SendPath Path, int Recipients, StreamPosition? Position, uint Response);
