namespace NotifyBroker.Core.Security;

/// <summary>
/// The scopes a caller's key or token grants. <see cref="Admin"/> implies every other scope, and lets its holder act
/// on everyone's aliases and keys; nothing, not even admin, lifts the always-refused messages of the broadcast policy.
/// </summary>
public static class BrokerScopes
{
    /// <summary>Send to aliases (NetMessageBufferSend).</summary>
    public const string Send = "notify:send";

    /// <summary>Broadcast window messages the policy allows (BroadcastSystemMessageEx).</summary>
    public const string Broadcast = "notify:broadcast";

    /// <summary>Receive the listener window's messages, and the messages of one's own aliases.</summary>
    public const string Subscribe = "notify:subscribe";

    /// <summary>Add, delete and list one's own aliases, and hold them on a subscription.</summary>
    public const string Aliases = "notify:aliases";

    /// <summary>Name any sender in a Send's from_name (without it, from_name is the caller's own name).</summary>
    public const string FromName = "notify:from_name";

    /// <summary>Everything: keys, everyone's aliases, messages outside the default policy (but never the always-refused ones).</summary>
    public const string Admin = "notify:admin";

    /// <summary>Every scope, in the order the documentation lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Send, Broadcast, Subscribe, Aliases, FromName, Admin];

    /// <summary>True when <paramref name="scope"/> is one of ours.</summary>
    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);
}
