using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NotifyBroker.Server.Hosting;

namespace NotifyBroker.Server.Tests.Security;

/// <summary>
/// The rule NetworkExposure applies to configuration: plaintext on an address other machines can reach is refused
/// unless Security:AllowInsecureNetwork=true, for every way ASP.NET Core and Kestrel take an address (urls, the
/// HTTP_PORTS family, Kestrel:Endpoints and which of them wins), and loopback is told apart from the rest exactly as
/// Kestrel's own address parser does.
/// </summary>
public sealed class NetworkExposureTests
{
    [Theory]
    [InlineData("http://0.0.0.0:50051")]
    [InlineData("http://+:50051")]
    [InlineData("http://*:50051")]
    [InlineData("http://[::]:50051")]
    [InlineData("http://192.168.1.20:50051")]
    [InlineData("http://10.0.0.1:50051")]
    [InlineData("http://[fe80::1]:50051")]
    [InlineData("http://broker.example.com:50051")]
    [InlineData("http://xlocalhost:50051")]
    [InlineData("http://localhost.example.com:50051")]
    [InlineData("http://localhost.:50051")]
    [InlineData("HTTP://0.0.0.0:50051")]
    public void Plaintext_on_an_address_other_machines_can_reach_is_refused(string url)
    {
        var refused = Assert.Throws<InsecureNetworkException>(() => Check(("urls", url)));

        Assert.Equal([url], refused.Addresses);
        Assert.Contains(url, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:50051")]
    [InlineData("http://LOCALHOST:50051")]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://127.8.9.10:50051")]
    [InlineData("http://[::1]:50051")]
    [InlineData("http://[::ffff:127.0.0.1]:50051")]
    [InlineData("http://broker.localhost:50051")]
    [InlineData("http://unix:/tmp/notifybroker.sock")]
    [InlineData("https://0.0.0.0:50051")]
    [InlineData("https://+:50051")]
    [InlineData("https://[::]:50051")]
    [InlineData("https://broker.example.com:50051")]
    public void Loopback_or_TLS_is_allowed(string url) => Check(("urls", url));

    [Fact]
    public void Every_url_of_a_list_counts_and_the_refusal_names_only_the_exposed_ones()
    {
        var refused = Assert.Throws<InsecureNetworkException>(() =>
            Check(("urls", "http://127.0.0.1:50051;http://0.0.0.0:50052;https://0.0.0.0:50053;http://[::]:50054")));

        Assert.Equal(["http://0.0.0.0:50052", "http://[::]:50054"], refused.Addresses);
    }

    [Fact]
    public void A_Kestrel_endpoint_in_plaintext_off_loopback_is_refused_and_named_by_its_key()
    {
        var refused = Assert.Throws<InsecureNetworkException>(() => Check(
            ("urls", "http://localhost:50051"),
            ("Kestrel:Endpoints:Local:Url", "http://127.0.0.1:50051"),
            ("Kestrel:Endpoints:Lan:Url", "http://0.0.0.0:50052")));

        Assert.Equal(["http://0.0.0.0:50052"], refused.Addresses);
        Assert.Contains("Kestrel:Endpoints:Lan:Url", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kestrel_endpoints_replace_the_urls_so_an_overridden_url_does_not_count()
    {
        Check(
            ("urls", "http://0.0.0.0:50051"),
            ("Kestrel:Endpoints:Grpc:Url", "https://0.0.0.0:50051"),
            ("Kestrel:Endpoints:Grpc:Certificate:Path", "/certs/tls.crt"));
    }

    [Fact]
    public void With_preferHostingUrls_the_urls_win_over_the_endpoints_and_count()
    {
        var refused = Assert.Throws<InsecureNetworkException>(() => Check(
            ("urls", "http://0.0.0.0:50051"),
            ("preferHostingUrls", "true"),
            ("Kestrel:Endpoints:Grpc:Url", "https://0.0.0.0:50052")));

        Assert.Equal(["http://0.0.0.0:50051"], refused.Addresses);
    }

    [Fact]
    public void HTTP_PORTS_binds_every_interface_and_is_refused_when_no_urls_are_set()
    {
        var refused = Assert.Throws<InsecureNetworkException>(() => Check(("HTTP_PORTS", "8080;8081")));

        Assert.Equal(["http://*:8080", "http://*:8081"], refused.Addresses);
        Assert.Contains("HTTP_PORTS", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HTTPS_PORTS_is_TLS_and_allowed()
    {
        Check(("https_ports", "443"));
    }

    [Fact]
    public void HTTP_PORTS_does_not_count_when_urls_are_set_as_ASP_NET_Core_then_ignores_it()
    {
        // The aspnet container images set ASPNETCORE_HTTP_PORTS=8080; the broker always has urls (its default at least).
        Check(("urls", "http://localhost:50051"), ("HTTP_PORTS", "8080"));
    }

    [Fact]
    public void Nothing_configured_is_Kestrel_s_own_localhost_default_and_allowed()
    {
        Check();
    }

    [Fact]
    public void An_address_Kestrel_would_reject_is_left_to_Kestrel_s_own_error()
    {
        Check(("urls", "ftp://0.0.0.0:21"));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("True")]
    [InlineData(" TRUE ")]
    public void AllowInsecureNetwork_true_lets_it_start_and_logs_a_warning_per_exposed_address(string allow)
    {
        var logger = new ListLogger();

        Check(logger, ("urls", "http://0.0.0.0:50051;http://127.0.0.1:50052;http://[::]:50053"), (NetworkExposure.AllowInsecureNetworkKey, allow));

        Assert.Collection(
            logger.Entries,
            first => AssertWarning(first, "http://0.0.0.0:50051"),
            second => AssertWarning(second, "http://[::]:50053"));

        static void AssertWarning((LogLevel Level, string Message) entry, string url)
        {
            Assert.Equal(LogLevel.Warning, entry.Level);
            Assert.Contains(url, entry.Message, StringComparison.Ordinal);
            Assert.Contains("without TLS", entry.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Loopback_alone_logs_nothing_even_with_AllowInsecureNetwork()
    {
        var logger = new ListLogger();

        Check(logger, ("urls", "http://127.0.0.1:50051"), (NetworkExposure.AllowInsecureNetworkKey, "true"));

        Assert.Empty(logger.Entries);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("")]
    public void AllowInsecureNetwork_false_or_empty_still_refuses(string allow)
    {
        Assert.Throws<InsecureNetworkException>(() => Check(("urls", "http://0.0.0.0:50051"), (NetworkExposure.AllowInsecureNetworkKey, allow)));
    }

    [Fact]
    public void An_AllowInsecureNetwork_that_is_not_a_boolean_refuses_and_says_so()
    {
        var refused = Assert.Throws<InsecureNetworkException>(() => Check(("urls", "http://0.0.0.0:50051"), (NetworkExposure.AllowInsecureNetworkKey, "yes")));

        Assert.Contains("\"yes\"", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_refusal_says_which_address_why_and_both_fixes()
    {
        var refused = Assert.Throws<InsecureNetworkException>(() => Check(("urls", "http://0.0.0.0:50051")));

        Assert.Contains("http://0.0.0.0:50051", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--urls", refused.Message, StringComparison.Ordinal);
        Assert.Contains("without TLS", refused.Message, StringComparison.Ordinal);
        Assert.Contains("other machines can reach", refused.Message, StringComparison.Ordinal);
        Assert.Contains("https://", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Kestrel:Certificates:Default:Path", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Security:AllowInsecureNetwork=true", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Security__AllowInsecureNetwork=true", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Hosts checked against Kestrel's own parser (its internal AddressBinder.ParseAddress, the one it binds with):
    /// every host NetworkExposure calls loopback must be one Kestrel binds to loopback only, and every other one it
    /// binds as a non-loopback IP or on all interfaces. If a Kestrel update moves that line, this test says so.
    /// </summary>
    [Theory]
    [InlineData("localhost")]
    [InlineData("LocalHost")]
    [InlineData("broker.localhost")]
    [InlineData("a.b.localhost")]
    [InlineData(".localhost")]
    [InlineData("localhost.")]
    [InlineData("xlocalhost")]
    [InlineData("localhost.example.com")]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.1")]
    [InlineData("127.1")]
    [InlineData("[::1]")]
    [InlineData("[0:0:0:0:0:0:0:1]")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("0.0.0.0")]
    [InlineData("[::]")]
    [InlineData("*")]
    [InlineData("+")]
    [InlineData("192.168.1.20")]
    [InlineData("[fe80::1]")]
    [InlineData("example.com")]
    public void Loopback_is_what_Kestrel_itself_binds_to_loopback(string host)
    {
        var kestrelLoopback = KestrelBindsLoopbackOnly($"http://{host}:50051");

        Assert.Equal(kestrelLoopback, NetworkExposure.IsLoopbackHost(host));
    }

    private static bool KestrelBindsLoopbackOnly(string url)
    {
        var binder = typeof(KestrelServerOptions).Assembly.GetType("Microsoft.AspNetCore.Server.Kestrel.Core.Internal.AddressBinder", throwOnError: true)!;
        var parse = binder.GetMethod("ParseAddress", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(string), typeof(bool).MakeByRefType()])
            ?? throw new InvalidOperationException("Kestrel's AddressBinder.ParseAddress(string, out bool) is gone: check NetworkExposure.IsLoopbackHost against its replacement.");
        var options = (ListenOptions)parse.Invoke(null, [url, null])!;
        return options.GetType().Name switch
        {
            "LocalhostListenOptions" => true,
            "AnyIPListenOptions" => false,
            _ => options.EndPoint is IPEndPoint ip && IPAddress.IsLoopback(ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address),
        };
    }

    private static void Check(params (string Key, string Value)[] settings) => Check(new ListLogger(), settings);

    private static void Check(ILogger logger, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(static s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        NetworkExposure.EnsureAllowed(configuration, logger);
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
