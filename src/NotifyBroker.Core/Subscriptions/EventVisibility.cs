using NotifyBroker.Core.Events;
using NotifyBroker.Core.Security;

namespace NotifyBroker.Core.Subscriptions;

/// <summary>
/// What a subscriber may see at all, whatever its filter asks for: window messages only with notify:subscribe, and
/// alias messages only of aliases its identity owned when they were sent (an admin sees every alias's).
/// </summary>
/// <param name="WindowMessages">Whether the listener window's messages pass.</param>
/// <param name="AliasOwner">The only owner whose alias messages pass; null: every owner's.</param>
public sealed record EventVisibility(bool WindowMessages, string? AliasOwner)
{
    /// <summary>No restriction (admins, and code inside the broker's process).</summary>
    public static EventVisibility Everything { get; } = new(true, null);

    /// <summary>What <paramref name="caller"/> may see.</summary>
    public static EventVisibility For(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsAdmin ? Everything : new EventVisibility(caller.Has(BrokerScopes.Subscribe), caller.Id);
    }

    public bool Sees(EventBody body) => body switch
    {
        WindowMessageBody => WindowMessages,
        AliasMessageBody alias => AliasOwner is null || string.Equals(alias.Owner, AliasOwner, StringComparison.Ordinal),
        _ => false,
    };
}
