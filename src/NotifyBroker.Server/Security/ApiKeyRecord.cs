namespace NotifyBroker.Server.Security;

/// <summary>A key the broker accepts: everything but its secret.</summary>
/// <param name="Id">Public and stable.</param>
/// <param name="Name">For people; the from_name of its Sends.</param>
/// <param name="Sha256">The hash of the secret.</param>
/// <param name="Scopes">What it may do.</param>
/// <param name="Created">When it was made (configured keys: when the broker read them).</param>
/// <param name="Source">Where it lives: the key store or configuration.</param>
internal sealed record ApiKeyRecord(string Id, string Name, byte[] Sha256, IReadOnlyList<string> Scopes, DateTimeOffset Created, ApiKeySource Source);

internal enum ApiKeySource
{
    /// <summary>The key store file: made by CreateKey or at first start; revocable.</summary>
    Store,

    /// <summary>Security:AdminKey or Security:Keys: changed only by changing configuration.</summary>
    Configuration,
}
