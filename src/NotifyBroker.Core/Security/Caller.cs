namespace NotifyBroker.Core.Security;

/// <summary>
/// Who is calling, as the host authenticated them: a stable id (alias ownership and per-identity limits key on it), a
/// display name (the from_name of their Sends) and their scopes. The core decides with it; it never authenticates.
/// </summary>
public sealed class Caller
{
    private readonly HashSet<string> _scopes;

    public Caller(string id, string name, IEnumerable<string> scopes)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(scopes);
        Id = id;
        Name = name;
        _scopes = new HashSet<string>(scopes, StringComparer.Ordinal);
    }

    /// <summary>
    /// Code inside the broker's own process (embedding, tests of the core): every scope. Transports never use it:
    /// they build a caller from the authenticated identity.
    /// </summary>
    public static Caller Operator { get; } = new("operator", "operator", BrokerScopes.All);

    /// <summary>Stable and unique: "key:&lt;id&gt;" for an API key, "jwt:&lt;issuer&gt;|&lt;subject&gt;" for a token.</summary>
    public string Id { get; }

    /// <summary>Shown to recipients as the sender (a key's name, a token's subject).</summary>
    public string Name { get; }

    public IReadOnlyCollection<string> Scopes => _scopes;

    public bool IsAdmin => _scopes.Contains(BrokerScopes.Admin);

    /// <summary>True when the caller holds <paramref name="scope"/> or <see cref="BrokerScopes.Admin"/>.</summary>
    public bool Has(string scope) => IsAdmin || _scopes.Contains(scope);

    public override string ToString() => Id;
}
