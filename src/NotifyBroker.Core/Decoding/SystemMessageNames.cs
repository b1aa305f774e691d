using System.Collections.Frozen;

namespace NotifyBroker.Core.Decoding;

/// <summary>The symbolic names of the sub-codes well-known system messages carry in wParam (dbt.h, pbt.h, winuser.h).</summary>
internal static class SystemMessageNames
{
    /// <summary>WM_DEVICECHANGE's DBT_* events.</summary>
    public static readonly FrozenDictionary<uint, string> DeviceEvents = new Dictionary<uint, string>
    {
        [0x0007] = "DBT_DEVNODES_CHANGED",
        [0x0017] = "DBT_QUERYCHANGECONFIG",
        [0x0018] = "DBT_CONFIGCHANGED",
        [0x0019] = "DBT_CONFIGCHANGECANCELED",
        [0x8000] = "DBT_DEVICEARRIVAL",
        [0x8001] = "DBT_DEVICEQUERYREMOVE",
        [0x8002] = "DBT_DEVICEQUERYREMOVEFAILED",
        [0x8003] = "DBT_DEVICEREMOVEPENDING",
        [0x8004] = "DBT_DEVICEREMOVECOMPLETE",
        [0x8005] = "DBT_DEVICETYPESPECIFIC",
        [0x8006] = "DBT_CUSTOMEVENT",
        [0xFFFF] = "DBT_USERDEFINED",
    }.ToFrozenDictionary();

    /// <summary>WM_POWERBROADCAST's PBT_* events.</summary>
    public static readonly FrozenDictionary<uint, string> PowerEvents = new Dictionary<uint, string>
    {
        [0x0000] = "PBT_APMQUERYSUSPEND",
        [0x0001] = "PBT_APMQUERYSTANDBY",
        [0x0002] = "PBT_APMQUERYSUSPENDFAILED",
        [0x0003] = "PBT_APMQUERYSTANDBYFAILED",
        [0x0004] = "PBT_APMSUSPEND",
        [0x0005] = "PBT_APMSTANDBY",
        [0x0006] = "PBT_APMRESUMECRITICAL",
        [0x0007] = "PBT_APMRESUMESUSPEND",
        [0x0008] = "PBT_APMRESUMESTANDBY",
        [0x0009] = "PBT_APMBATTERYLOW",
        [0x000A] = "PBT_APMPOWERSTATUSCHANGE",
        [0x000B] = "PBT_APMOEMEVENT",
        [0x0012] = "PBT_APMRESUMEAUTOMATIC",
        [0x8013] = "PBT_POWERSETTINGCHANGE",
    }.ToFrozenDictionary();

    /// <summary>WM_WTSSESSION_CHANGE's WTS_* reasons.</summary>
    public static readonly FrozenDictionary<uint, string> SessionReasons = new Dictionary<uint, string>
    {
        [0x1] = "WTS_CONSOLE_CONNECT",
        [0x2] = "WTS_CONSOLE_DISCONNECT",
        [0x3] = "WTS_REMOTE_CONNECT",
        [0x4] = "WTS_REMOTE_DISCONNECT",
        [0x5] = "WTS_SESSION_LOGON",
        [0x6] = "WTS_SESSION_LOGOFF",
        [0x7] = "WTS_SESSION_LOCK",
        [0x8] = "WTS_SESSION_UNLOCK",
        [0x9] = "WTS_SESSION_REMOTE_CONTROL",
        [0xA] = "WTS_SESSION_CREATE",
        [0xB] = "WTS_SESSION_TERMINATE",
    }.ToFrozenDictionary();

    /// <summary>The name of <paramref name="code"/>, or empty when the table does not know it.</summary>
    public static string NameOf(FrozenDictionary<uint, string> table, uint code) => table.GetValueOrDefault(code, "");
}
