namespace NotifyBroker.Core.Events;

/// <summary>A readable decoding of a well-known system message.</summary>
public abstract record MessageDetail
{
    private MessageDetail() { }

    /// <summary>WM_SETTINGCHANGE: the section or policy area that changed (empty when lParam was NULL).</summary>
    public sealed record SettingChange(string Area) : MessageDetail;

    /// <summary>WM_DEVICECHANGE: the DBT_* event (wParam) and its name (empty when unknown).</summary>
    public sealed record DeviceChange(uint Event, string EventName) : MessageDetail;

    /// <summary>WM_POWERBROADCAST: the PBT_* event (wParam) and its name (empty when unknown).</summary>
    public sealed record PowerBroadcast(uint Event, string EventName) : MessageDetail;

    /// <summary>WM_WTSSESSION_CHANGE: the WTS_* reason (wParam), its name, and the session id (lParam).</summary>
    public sealed record SessionChange(uint Reason, string ReasonName, uint SessionId) : MessageDetail;

    /// <summary>WM_QUERYENDSESSION (Query) or WM_ENDSESSION (Ending = wParam), with the ENDSESSION_* bits of lParam.</summary>
    public sealed record EndSession(bool Query, bool Ending, uint Reasons) : MessageDetail;
}
