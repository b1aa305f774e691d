using System.Security.Cryptography;
using System.Text;

namespace NotifyBroker.Server.Security;

/// <summary>
/// The shape of a broker-made key, "nbk_&lt;id&gt;_&lt;secret&gt;": a public 12-hex-digit id (to find its record
/// and to name it in lists and audit logs) and 256 random bits. Keys are stored as the SHA-256 of the whole string:
/// with that much entropy a fast hash is enough (a slow one would only slow every call).
/// </summary>
internal static class ApiKeySecret
{
    public const string Prefix = "nbk_";

    /// <summary>A new key and its id.</summary>
    public static (string Id, string Secret) Create()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (id, $"{Prefix}{id}_{secret}");
    }

    /// <summary>The id inside a broker-made key, or null for any other string.</summary>
    public static string? TryGetId(string key)
    {
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || key.Length < Prefix.Length + 13 || key[Prefix.Length + 12] != '_')
        {
            return null;
        }

        return key.Substring(Prefix.Length, 12);
    }

    /// <summary>SHA-256 of the key's UTF-8 bytes.</summary>
    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
