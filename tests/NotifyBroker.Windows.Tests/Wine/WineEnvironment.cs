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

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. The Wine tests (Category=Wine) run only under tests/Wine/run-suite.sh, which installs Wine, " +
                "publishes the win-x64 broker and Win32Helper and sets NB_WINE_*. Leave them out with `dotnet test --filter Category!=Wine`.");
}
