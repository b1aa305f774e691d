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

                return WindowsDesktopFactory.Create(options.Windows, message => ServerLog.WindowsDesktop(logger, message));
            default:
                return new InMemoryDesktop(options.InMemory, services.GetRequiredService<TimeProvider>());
        }
    }
}
