namespace NotifyBroker.Windows.Tests.Wine;

/// <summary>
/// Where tests/Wine/run-suite.sh put things. The Wine tests need all of it; without it they fail with this message
/// (they never skip or pass silently).
/// </summary>
internal static class WineEnvironment
{
    /// <summary>The published win-x64 Win32Helper.exe.</summary>
    public static string Helper => Require("NB_WINE_HELPER");

    /// <summary>The prefix whose wineserver hosts the long-running broker (NB_WINE_SERVER_URL).</summary>
    public static string ServerPrefix => Require("NB_WINE_PREFIX");

    /// <summary>A second prefix for tests that own their whole desktop (and may end its session).</summary>
    public static string IsolatedPrefix => Require("NB_WINE_ISOLATED_PREFIX");

    /// <summary>The Wine-hosted broker's address, e.g. http://127.0.0.1:41234.</summary>
    public static Uri ServerUrl => new(Require("NB_WINE_SERVER_URL"));

    /// <summary>The published win-x64 NotifyBroker.Server.exe (tests that start their own broker).</summary>
    public static string ServerExe => Require("NB_WINE_SERVER_EXE");

    /// <summary>The published win-x64 Stranger.exe: a local program that tries to silence the listener window.</summary>
    public static string Stranger => Require("NB_WINE_STRANGER");

    /// <summary>The admin key the long-running broker was started with (--Security:AdminKey), sent as a bearer token.</summary>
    public static string AdminKey => Require("NB_WINE_ADMIN_KEY");

    /// <summary>A fresh admin key for a broker a test starts itself: 43 random URL-safe characters.</summary>
    public static string NewAdminKey() =>
        Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. The Wine tests (Category=Wine) run only under tests/Wine/run-suite.sh, which installs Wine, " +
                "publishes the win-x64 broker and Win32Helper and sets NB_WINE_*. Leave them out with `dotnet test --filter Category!=Wine`.");
}
