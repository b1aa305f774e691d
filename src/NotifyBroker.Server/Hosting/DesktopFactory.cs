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
                return new InMemoryDesktop(options.InMemory, services.GetRequiredService<TimeProvider>());
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
