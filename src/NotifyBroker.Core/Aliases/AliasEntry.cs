namespace NotifyBroker.Core.Aliases;

/// <summary>An alias in the message name table (NetMessageNameEnum's MSG_INFO).</summary>
/// <param name="Name">The alias as first spelled.</param>
/// <param name="Registered">Added with AddAlias and not deleted since.</param>
/// <param name="Holders">How many open subscriptions hold it.</param>
/// <param name="Owner">The id of the identity that added or holds it.</param>
public sealed record AliasEntry(string Name, bool Registered, int Holders, string Owner);
