using System.Runtime.Versioning;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Windows.Platform;

namespace NotifyBroker.Windows;

/// <summary>Creates the Win32 desktop. The host calls it only when <see cref="OperatingSystem.IsWindows"/> is true.</summary>
public static class WindowsDesktopFactory
{
    /// <summary>Creates the desktop; the listener window is made by <see cref="IDesktop.StartListeningAsync"/>.</summary>
    /// <param name="options">Settings.</param>
    /// <param name="log">Receives diagnostic lines (Win32 failures that are not fatal, window procedure faults).</param>
    [SupportedOSPlatform("windows")]
    public static IDesktop Create(WindowsDesktopOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new WindowsDesktop(options, HostPlatform.Detect(), TimeProvider.System, log ?? (_ => { }));
    }

    /// <summary>"Windows", or "Wine 8.0" when the Win32 underneath is Wine's.</summary>
    [SupportedOSPlatform("windows")]
    public static string DescribeHost() => HostPlatform.Detect().ToString();
}
