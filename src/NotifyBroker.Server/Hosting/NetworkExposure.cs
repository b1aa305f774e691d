using System.Globalization;
using System.Net;
using System.Text;

namespace NotifyBroker.Server.Hosting;

/// <summary>
/// The broker refuses to listen without TLS on an address other machines can reach, unless
/// <c>Security:AllowInsecureNetwork=true</c> says so (then it logs a warning per such address). Checked once the host
/// is built, before Kestrel binds anything.
/// </summary>
/// <remarks>
/// It reads the addresses from configuration exactly as ASP.NET Core and Kestrel pick them:
/// <list type="bullet">
/// <item>"urls" (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>DOTNET_URLS</c>, <c>URLS</c>), ';'-separated; when it is empty,
/// "http_ports" and "https_ports" (<c>ASPNETCORE_HTTP_PORTS</c>, <c>HTTP_PORTS</c>, ...), which bind every interface;</item>
/// <item><c>Kestrel:Endpoints:&lt;name&gt;:Url</c>: when any endpoint is configured Kestrel binds those instead of the
/// above, unless "preferHostingUrls" is true and "urls" (or the ports) gave addresses.</item>
/// </list>
/// An address is TLS when its scheme is https. It stays on this machine when its host is localhost (or a name under
/// .localhost, which Kestrel binds to loopback too), a loopback IP (127.0.0.0/8, ::1, and IPv4-mapped forms), a Unix
/// socket or a named pipe. Every other host is reachable from elsewhere: *, +, 0.0.0.0, [::], any other IP, and any
/// other host name (Kestrel binds a name that is not localhost to every interface). Endpoints added in code with
/// <c>KestrelServerOptions.Listen*</c> are not seen here; the broker adds none.
/// </remarks>
internal static partial class NetworkExposure
{
    /// <summary>The configuration key of the opt-in (the "Security" section's AllowInsecureNetwork).</summary>
    public const string AllowInsecureNetworkKey = "Security:AllowInsecureNetwork";

    private const string UrlsSource = "--urls / ASPNETCORE_URLS / Urls";
    private const string HttpPortsSource = "HTTP_PORTS / ASPNETCORE_HTTP_PORTS, which binds every interface";
    private const string HttpsPortsSource = "HTTPS_PORTS / ASPNETCORE_HTTPS_PORTS";

    /// <summary>Throws <see cref="InsecureNetworkException"/> when the configured addresses would expose plaintext off loopback without the opt-in.</summary>
    public static void EnsureAllowed(IConfiguration configuration, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(logger);

        var exposed = ExposedPlaintext(configuration);
        if (exposed.Count == 0)
        {
            return;
        }

        var allow = configuration[AllowInsecureNetworkKey];
        if (bool.TryParse(allow?.Trim(), out var allowed) && allowed)
        {
            foreach (var address in exposed)
            {
                InsecureNetworkAllowed(logger, address.Url, address.Source);
            }

            return;
        }

        throw new InsecureNetworkException(exposed, string.IsNullOrWhiteSpace(allow) || bool.TryParse(allow.Trim(), out _) ? null : allow);
    }

    /// <summary>The addresses Kestrel will listen on, per configuration, each with where it was configured.</summary>
    public static IReadOnlyList<ListenAddress> ConfiguredAddresses(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        var hosting = HostingAddresses(configuration);
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(static endpoint => (Url: endpoint["Url"], Source: $"Kestrel:Endpoints:{endpoint.Key}:Url"))
            .ToList();

        // Kestrel's AddressBinder: configured endpoints replace the hosting addresses, unless preferHostingUrls says the
        // opposite and there are hosting addresses to prefer.
        var preferHostingUrls = IsTrue(configuration[WebHostDefaults.PreferHostingUrlsKey]);
        var chosen = endpoints.Count > 0 && !(preferHostingUrls && hosting.Count > 0) ? endpoints : hosting;
        return chosen
            .Select(static a => a.Url is { Length: > 0 } url ? Classify(url, a.Source) : null)
            .OfType<ListenAddress>()
            .ToList();
    }

    /// <summary>The configured addresses that carry plaintext and can be reached from other machines.</summary>
    public static IReadOnlyList<ListenAddress> ExposedPlaintext(IConfiguration configuration) =>
        ConfiguredAddresses(configuration).Where(static a => !a.IsTls && !a.IsLocalOnly).ToList();

    /// <summary>
    /// What an address means to Kestrel, or null when Kestrel would reject it at start (unknown scheme, bad syntax):
    /// it then fails with its own message.
    /// </summary>
    public static ListenAddress? Classify(string url, string source)
    {
        ArgumentNullException.ThrowIfNull(url);
        BindingAddress parsed;
        try
        {
            parsed = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return null;
        }

        var tls = string.Equals(parsed.Scheme, "https", StringComparison.OrdinalIgnoreCase);
        if (!tls && !string.Equals(parsed.Scheme, "http", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return new ListenAddress(url, source, tls, parsed.IsUnixPipe || parsed.IsNamedPipe || IsLoopbackHost(parsed.Host));
    }

    /// <summary>
    /// Whether Kestrel binds <paramref name="host"/> to loopback only (its AddressBinder.ParseAddress): localhost and
    /// names under .localhost (both bound to 127.0.0.1 and [::1]), and IP literals that are loopback. Anything else
    /// Kestrel either binds as that IP or, for *, + and every other name, to all interfaces.
    /// </summary>
    public static bool IsLoopbackHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        const string LocalhostSuffix = ".localhost";
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (host.Length > LocalhostSuffix.Length && host.EndsWith(LocalhostSuffix, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        // Kestrel parses the host as it stands (IPv6 with its brackets) with IPAddress.TryParse; what does not parse
        // is a name, bound to every interface.
        if (!IPAddress.TryParse(host, out var ip))
        {
            return false;
        }

        return IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
    }

    private static List<(string? Url, string Source)> HostingAddresses(IConfiguration configuration)
    {
        // GenericWebHostService: "urls" when it is set, else one http://*:port per HTTP_PORTS entry and one
        // https://*:port per HTTPS_PORTS entry (split on ';' and not trimmed, as it does).
        if (configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls)
        {
            return urls.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(static u => ((string?)u, UrlsSource)).ToList();
        }

        var http = (configuration[WebHostDefaults.HttpPortsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(static port => ((string?)$"http://*:{port}", HttpPortsSource));
        var https = (configuration[WebHostDefaults.HttpsPortsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(static port => ((string?)$"https://*:{port}", HttpsPortsSource));
        return http.Concat(https).ToList();
    }

    // WebHostUtilities.ParseBool: "true" (any case) or "1".
    private static bool IsTrue(string? value) =>
        string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || string.Equals(value, "1", StringComparison.Ordinal);

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning,
        Message = "Security:AllowInsecureNetwork=true: listening without TLS on {Address} (set by {Source}), an address other machines can reach. Calls, keys and messages cross the network in plaintext; use it on a network you trust only, or serve TLS (an https:// address with a certificate).")]
    private static partial void InsecureNetworkAllowed(ILogger logger, string address, string source);
}

/// <summary>An address Kestrel will listen on: where it was configured, whether it is TLS, whether it stays on this machine.</summary>
/// <param name="Url">The address as configured, e.g. "http://0.0.0.0:50051".</param>
/// <param name="Source">The setting it came from, e.g. "Kestrel:Endpoints:Grpc:Url".</param>
/// <param name="IsTls">An https:// address.</param>
/// <param name="IsLocalOnly">Loopback, a Unix socket or a named pipe: not reachable from other machines.</param>
internal sealed record ListenAddress(string Url, string Source, bool IsTls, bool IsLocalOnly);

/// <summary>
/// The broker will not start: it was configured to listen without TLS on an address other machines can reach, and
/// Security:AllowInsecureNetwork is not true. The message names each address, where it was configured, why that is
/// refused and the fixes; Program prints it and exits with code 2.
/// </summary>
public sealed class InsecureNetworkException : InvalidOperationException
{
    internal InsecureNetworkException(IReadOnlyList<ListenAddress> exposed, string? invalidOptIn)
        : base(Describe(exposed, invalidOptIn))
    {
        Addresses = exposed.Select(static a => a.Url).ToList();
    }

    /// <summary>The refused addresses, as configured.</summary>
    public IReadOnlyList<string> Addresses { get; }

    private static string Describe(IReadOnlyList<ListenAddress> exposed, string? invalidOptIn)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"refusing to start: it would listen without TLS on {(exposed.Count == 1 ? "an address" : "addresses")} other machines can reach:").AppendLine();
        foreach (var address in exposed)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {address.Url}   (set by {address.Source})").AppendLine();
        }

        text.AppendLine("Anyone who can reach that port could call the broker, and read or change every call, key and message on the way (h2c is plaintext).")
            .AppendLine("Fix it in one of two ways:")
            .AppendLine("  1. Serve TLS there: an https:// address with a certificate, e.g.")
            .AppendLine("       --urls https://0.0.0.0:50051 --Kestrel:Certificates:Default:Path=/path/cert.pem --Kestrel:Certificates:Default:KeyPath=/path/key.pem")
            .AppendLine("     (a PFX: Path=/path/cert.pfx and Password=...; or an endpoint Kestrel:Endpoints:<name>:Url=https://... with its Certificate:Path/KeyPath).")
            .AppendLine("  2. Accept plaintext on a network you trust: Security:AllowInsecureNetwork=true")
            .AppendLine("       (--Security:AllowInsecureNetwork=true, or the environment variable Security__AllowInsecureNetwork=true); the broker logs a warning.");
        if (invalidOptIn is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"(Security:AllowInsecureNetwork is \"{invalidOptIn}\", which is neither true nor false.)").AppendLine();
        }

        text.Append(CultureInfo.InvariantCulture, $"To stay on this machine, listen on localhost, 127.0.0.1 or [::1] instead (the default is {BrokerHost.DefaultUrl}).");
        return text.ToString();
    }
}
