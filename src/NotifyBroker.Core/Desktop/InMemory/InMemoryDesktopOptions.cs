namespace NotifyBroker.Core.Desktop.InMemory;

/// <summary>How an in-memory desktop presents itself.</summary>
public sealed class InMemoryDesktopOptions
{
    /// <summary>The computer name. Empty means <see cref="Environment.MachineName"/>.</summary>
    public string HostName { get; set; } = "";

    /// <summary>
    /// Which delivery paths beyond the broker's aliases the desktop offers. None by default: a Send to an alias the
    /// broker does not know then fails with NERR_NameNotFound, as on a machine without the Messenger service.
    /// </summary>
    public DesktopCapabilities Capabilities { get; set; } = DesktopCapabilities.None;

    /// <summary>The process id of the broker itself: its listener window belongs to it (BSF_IGNORECURRENTTASK).</summary>
    public int BrokerProcessId { get; set; } = 1000;

    /// <summary>The handle of the desktop the broker's windows live on (BSM_APPLICATIONS reaches only this one).</summary>
    public ulong DesktopHandle { get; set; } = 0x30;
}
