using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Windows;

namespace NotifyBroker.Server.Hosting;

/// <summary>Creates the desktop the "Desktop" section chooses.</summary>
internal static class DesktopFactory
{
    /// <summary>Where the in-memory desktop's extra windows are configured.</summary>
    public const string SimulatedWindowsKey = "Desktop:InMemory:Windows";

    public static IDesktop Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<DesktopOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("NotifyBroker.Server.Desktop");
        var kind = options.Resolve();
        ServerLog.DesktopChosen(logger, kind.ToString(), options.Kind.ToString());
        switch (kind)
        {
            case DesktopKind.Windows:
                if (!OperatingSystem.IsWindows())
                {
                    throw new PlatformNotSupportedException("Desktop:Kind is Windows, but this host does not run on Windows. Use InMemory or Auto.");
                }

                options.Windows.SessionEnding ??= StopHostOnSessionEnd(services.GetRequiredService<IHostApplicationLifetime>());
                return WindowsDesktopFactory.Create(options.Windows, message => ServerLog.WindowsDesktop(logger, message));
            default:
                var desktop = new InMemoryDesktop(options.InMemory, services.GetRequiredService<TimeProvider>());
                services.GetRequiredService<IConfiguration>().GetSection(SimulatedWindowsKey).Bind(options.SimulatedWindows);
                foreach (var window in options.SimulatedWindows)
                {
                    desktop.CreateWindow(
                        window.Name,
                        window.ProcessId,
                        window.DeniesQueries ? static (_, _) => WindowMessages.BROADCAST_QUERY_DENY : null);
                }

                return desktop;
        }
    }

    /// <summary>
    /// WM_ENDSESSION(TRUE): the system may end the process as soon as the listener returns from it, so the host stops
    /// in order first (health NOT_SERVING, every stream ends with UNAVAILABLE and its resume position, Kestrel
    /// drains). The listener holds the message until the returned task completes, at most Desktop:Windows:SessionEndGrace.
    /// </summary>
    private static Func<Task> StopHostOnSessionEnd(IHostApplicationLifetime lifetime) => () =>
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStopped.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), stopped);
        lifetime.StopApplication();
        return stopped.Task;
    };
}
