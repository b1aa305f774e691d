using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Windows;

namespace NotifyBroker.Server.Hosting;

/// <summary>Which desktop the broker runs on.</summary>
public enum DesktopKind
{
    /// <summary>Windows when the host runs on Windows, the in-memory desktop everywhere else.</summary>
    Auto,
    /// <summary>The in-memory desktop, with Win32's rules (the embedded default off Windows).</summary>
    InMemory,
    /// <summary>The real Win32 desktop (user32, netapi32, wtsapi32). Windows only.</summary>
    Windows,
}

/// <summary>The "Desktop" configuration section.</summary>
public sealed class DesktopOptions
{
    public const string SectionName = "Desktop";

    public DesktopKind Kind { get; set; } = DesktopKind.Auto;

    /// <summary>Settings of the in-memory desktop ("Desktop:InMemory").</summary>
    public InMemoryDesktopOptions InMemory { get; set; } = new();

    /// <summary>
    /// Extra top-level windows of the in-memory desktop ("Desktop:InMemory:Windows:0:Name=...", ...), e.g. one that
    /// denies BSF_QUERY broadcasts, for demos and browser tests. Ignored on the Win32 desktop.
    /// </summary>
    public List<SimulatedWindowSettings> SimulatedWindows { get; } = [];

    /// <summary>Settings of the Win32 desktop ("Desktop:Windows").</summary>
    public WindowsDesktopOptions Windows { get; set; } = new();

    /// <summary>The kind that <see cref="Kind"/> resolves to on this machine.</summary>
    public DesktopKind Resolve() => Kind switch
    {
        DesktopKind.Auto => OperatingSystem.IsWindows() ? DesktopKind.Windows : DesktopKind.InMemory,
        _ => Kind,
    };
}

/// <summary>One simulated window of the in-memory desktop (see <see cref="DesktopOptions.SimulatedWindows"/>).</summary>
public sealed class SimulatedWindowSettings
{
    public string Name { get; set; } = "";

    /// <summary>The owning process (not the broker's, so BSF_IGNORECURRENTTASK does not skip it).</summary>
    public int ProcessId { get; set; } = 4000;

    /// <summary>True: the window answers every BSF_QUERY broadcast with BROADCAST_QUERY_DENY.</summary>
    public bool DeniesQueries { get; set; }
}
