namespace NotifyBroker.Core.Desktop;

/// <summary>The BSM_* bits of BroadcastSystemMessageEx's *lpInfo (winuser.h), and which windows they reach.</summary>
public static class BroadcastRecipients
{
    public const uint BSM_ALLCOMPONENTS = 0x00000000;
    public const uint BSM_VXDS = 0x00000001;
    public const uint BSM_NETDRIVER = 0x00000002;
    public const uint BSM_INSTALLABLEDRIVERS = 0x00000004;
    public const uint BSM_APPLICATIONS = 0x00000008;
    public const uint BSM_ALLDESKTOPS = 0x00000010;

    /// <summary>Every documented bit; anything outside is ERROR_INVALID_PARAMETER.</summary>
    public const uint All = 0x0000001F;

    /// <summary>Every BSM_* name and its bit, in winuser.h's order (BSM_ALLCOMPONENTS, 0, first).</summary>
    public static IReadOnlyList<(string Name, uint Value)> Names { get; } = ConstantNames.Of(typeof(BroadcastRecipients), "BSM_");

    /// <summary>
    /// True when the recipients reach top-level windows at all. The driver bits (VXDS, NETDRIVER, INSTALLABLEDRIVERS)
    /// mean nothing on NT: alone they reach no window, yet the call succeeds.
    /// </summary>
    public static bool ReachesWindows(uint recipients) =>
        recipients == BSM_ALLCOMPONENTS || (recipients & (BSM_APPLICATIONS | BSM_ALLDESKTOPS)) != 0;

    /// <summary>True when windows of every desktop are reached, not only the caller's.</summary>
    public static bool ReachesAllDesktops(uint recipients) =>
        recipients == BSM_ALLCOMPONENTS || (recipients & BSM_ALLDESKTOPS) != 0;
}
