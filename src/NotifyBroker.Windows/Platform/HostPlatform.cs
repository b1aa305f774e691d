using System.Runtime.Versioning;

namespace NotifyBroker.Windows.Platform;

/// <summary>What kind of Win32 the desktop runs on: real Windows, or Wine (where several APIs are stubs).</summary>
/// <param name="WineVersion">Wine's version string ("8.0"), or null on Windows.</param>
[SupportedOSPlatform("windows")]
internal sealed record HostPlatform(string? WineVersion)
{
    public bool IsWine => WineVersion is not null;

    public static HostPlatform Detect() =>
        new(Interop.NtDll.TryGetWineVersion(out string? version) ? version ?? "unknown" : null);

    public override string ToString() => IsWine ? $"Wine {WineVersion}" : "Windows";
}
