namespace NotifyBroker.Server.Security;

/// <summary>Who may call the broker, bound from the "Security" configuration section.</summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>
    /// An admin key given outright (<c>--Security:AdminKey=…</c> or <c>Security__AdminKey</c>), for scripts and
    /// containers. Held only as its hash once read; never written anywhere. Any string of 16 or more characters.
    /// </summary>
    public string AdminKey { get; set; } = "";

    /// <summary>Keys given by hash in configuration (e.g. from a secret store), besides the key store's.</summary>
    public List<ConfiguredKey> Keys { get; set; } = [];

    /// <summary>The key store: the hashes of the keys made by `notify key create` and at first start. Empty: the per-user default.</summary>
    public string KeysFile { get; set; } = "";

    /// <summary>Where first start writes the admin key for the CLI and SDK. Empty: $NOTIFY_CREDENTIALS or the per-user default.</summary>
    public string CredentialsFile { get; set; } = "";

    /// <summary>Serve gRPC reflection without an identity (it lists the contract, no data). Off by default.</summary>
    public bool AnonymousReflection { get; set; }

    /// <summary>Listen on a non-loopback address without TLS. Logs a warning; meant for a trusted network only.</summary>
    public bool AllowInsecureNetwork { get; set; }

    /// <summary>JWT bearer tokens, accepted beside API keys when an issuer's keys are configured.</summary>
    public JwtOptions Jwt { get; set; } = new();

    /// <summary>Per-identity rate limits.</summary>
    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>Write the text of Sends in audit events (off: the audit names who, what and the outcome, not the message).</summary>
    public bool AuditMessageText { get; set; }

    /// <summary>A key known by the SHA-256 of its secret.</summary>
    public sealed class ConfiguredKey
    {
        public string Name { get; set; } = "";

        /// <summary>The SHA-256 of the key's UTF-8 bytes, hex (as <c>printf %s "$KEY" | sha256sum</c> prints it).</summary>
        public string Sha256 { get; set; } = "";

        public List<string> Scopes { get; set; } = [];
    }

    /// <summary>Where tokens come from and how they are checked (Microsoft.AspNetCore.Authentication.JwtBearer).</summary>
    public sealed class JwtOptions
    {
        /// <summary>The token's required "iss".</summary>
        public string Issuer { get; set; } = "";

        /// <summary>The token's required "aud".</summary>
        public string Audience { get; set; } = "";

        /// <summary>An HMAC-SHA256 signing key, base64 (at least 32 bytes). Or give <see cref="JwksUrl"/> or <see cref="Authority"/>.</summary>
        public string SigningKey { get; set; } = "";

        /// <summary>A JSON Web Key Set document with the issuer's public keys (refreshed the way OpenID metadata is).</summary>
        public string JwksUrl { get; set; } = "";

        /// <summary>An OpenID Connect issuer, whose discovery document names its keys.</summary>
        public string Authority { get; set; } = "";

        /// <summary>True when any source of signing keys is configured.</summary>
        public bool IsConfigured => SigningKey.Length > 0 || JwksUrl.Length > 0 || Authority.Length > 0;
    }

    /// <summary>Limits per identity (System.Threading.RateLimiting through ASP.NET Core's rate limiter); admin keys are not limited.</summary>
    public sealed class RateLimitOptions
    {
        /// <summary>Unary calls per second, sustained.</summary>
        public int CallsPerSecond { get; set; } = 1000;

        /// <summary>Unary calls allowed at once beyond the sustained rate.</summary>
        public int CallBurst { get; set; } = 2000;

        /// <summary>Subscribe streams open at once.</summary>
        public int OpenStreams { get; set; } = 2000;
    }
}
