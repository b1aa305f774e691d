using Microsoft.Net.Http.Headers;

namespace NotifyBroker.Server.Security;

/// <summary>The token of an "authorization: Bearer …" header, and which scheme checks it.</summary>
internal static class BearerToken
{
    /// <summary>The scheme that picks <see cref="ApiKeyAuthentication"/> or JWT bearer per request.</summary>
    public const string SelectorScheme = "NotifyBearer";

    /// <summary>The token, or null when the request has no bearer authorization.</summary>
    public static string? From(HttpRequest request)
    {
        var header = request.Headers[HeaderNames.Authorization].ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && header.Length > prefix.Length
            ? header[prefix.Length..].Trim()
            : null;
    }

    /// <summary>A compact JWT has three dot-separated parts; our keys have none.</summary>
    public static bool LooksLikeJwt(string token) => token.Count(static c => c == '.') == 2;
}
