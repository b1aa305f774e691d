namespace NotifyBroker.Cli.Parsing;

/// <summary>
/// The well-known window messages by their winuser.h names, so that `notify broadcast WM_SETTINGCHANGE` works, and
/// the reverse for display. WM_USER+N and WM_APP+N name private ranges.
/// </summary>
internal static class WindowMessageNames
{
    // winuser.h / dbt.h values. When two names share a value (WM_WININICHANGE), the first listed is shown.
    private static readonly (string Name, uint Id)[] Known =
    [
        ("WM_NULL", 0x0000),
        ("WM_SETTEXT", 0x000C),
        ("WM_GETTEXT", 0x000D),
        ("WM_CLOSE", 0x0010),
        ("WM_QUERYENDSESSION", 0x0011),
        ("WM_SYSCOLORCHANGE", 0x0015),
        ("WM_ENDSESSION", 0x0016),
        ("WM_SETTINGCHANGE", 0x001A),
        ("WM_WININICHANGE", 0x001A),
        ("WM_DEVMODECHANGE", 0x001B),
        ("WM_FONTCHANGE", 0x001D),
        ("WM_TIMECHANGE", 0x001E),
        ("WM_COPYDATA", 0x004A),
        ("WM_INPUTLANGCHANGEREQUEST", 0x0050),
        ("WM_INPUTLANGCHANGE", 0x0051),
        ("WM_USERCHANGED", 0x0054),
        ("WM_DISPLAYCHANGE", 0x007E),
        ("WM_POWERBROADCAST", 0x0218),
        ("WM_DEVICECHANGE", 0x0219),
        ("WM_WTSSESSION_CHANGE", 0x02B1),
        ("WM_PALETTECHANGED", 0x0311),
        ("WM_THEMECHANGED", 0x031A),
        ("WM_USER", 0x0400),
        ("WM_APP", 0x8000),
    ];

    private const uint WM_USER = 0x0400;
    private const uint WM_APP = 0x8000;
    private const uint RegisteredFirst = 0xC000;

    /// <summary>
    /// A message id from "WM_SETTINGCHANGE", "WM_APP+5", "0x8001" or "49153". False for anything else, which callers
    /// treat as the name of a registered window message (RegisterWindowMessage names are free text).
    /// </summary>
    public static bool TryResolveId(string text, out uint id)
    {
        var trimmed = text.Trim();
        if (Numbers.TryParseUInt32(trimmed, out id))
        {
            return true;
        }

        var plus = trimmed.IndexOf('+', StringComparison.Ordinal);
        var name = plus < 0 ? trimmed : trimmed[..plus].Trim();
        if (!TryFind(name, out var baseId))
        {
            return false;
        }

        if (plus < 0)
        {
            id = baseId;
            return true;
        }

        if (Numbers.TryParseUInt32(trimmed[(plus + 1)..], out var offset) && baseId + (ulong)offset <= uint.MaxValue)
        {
            id = baseId + offset;
            return true;
        }

        return false;
    }

    /// <summary>"WM_SETTINGCHANGE", "WM_USER+0x10", "WM_APP+0x1", or null when the id has no name here.</summary>
    public static string? NameOf(uint id)
    {
        foreach (var (name, known) in Known)
        {
            if (known == id)
            {
                return name;
            }
        }

        return id switch
        {
            > WM_USER and < WM_APP => "WM_USER+" + Numbers.Hex(id - WM_USER),
            > WM_APP and < RegisteredFirst => "WM_APP+" + Numbers.Hex(id - WM_APP),
            _ => null,
        };
    }

    private static bool TryFind(string name, out uint id)
    {
        foreach (var (known, value) in Known)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
            {
                id = value;
                return true;
            }
        }

        id = 0;
        return false;
    }
}
