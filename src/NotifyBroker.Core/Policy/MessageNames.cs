using System.Globalization;

namespace NotifyBroker.Core.Policy;

/// <summary>
/// The window messages the broadcast policy names (winuser.h values), and the syntax the operator's allow lists use:
/// an id ("0x0219", "537"), a name ("WM_POWERBROADCAST"), a name plus an offset ("WM_USER+1", "WM_APP+0x10") and, in
/// <see cref="BroadcastPolicyOptions.AllowMessages"/> only, a range of two of those ("0x0400-0x04FF").
/// </summary>
internal static class MessageNames
{
    public const uint WM_NULL = 0x0000;
    public const uint WM_DESTROY = 0x0002;
    public const uint WM_CLOSE = 0x0010;
    public const uint WM_QUERYENDSESSION = 0x0011;
    public const uint WM_QUIT = 0x0012;
    public const uint WM_ENDSESSION = 0x0016;
    public const uint WM_SETTINGCHANGE = 0x001A;
    public const uint WM_DEVMODECHANGE = 0x001B;
    public const uint WM_FONTCHANGE = 0x001D;
    public const uint WM_TIMECHANGE = 0x001E;
    public const uint WM_COPYDATA = 0x004A;
    public const uint WM_SYSCOMMAND = 0x0112;
    public const uint WM_USER = 0x0400;
    public const uint WM_APP = 0x8000;

    // When two names share a value (WM_WININICHANGE), the first listed is the one shown.
    private static readonly (string Name, uint Id)[] Known =
    [
        ("WM_NULL", WM_NULL),
        ("WM_CREATE", 0x0001),
        ("WM_DESTROY", WM_DESTROY),
        ("WM_SETTEXT", 0x000C),
        ("WM_GETTEXT", 0x000D),
        ("WM_CLOSE", WM_CLOSE),
        ("WM_QUERYENDSESSION", WM_QUERYENDSESSION),
        ("WM_QUIT", WM_QUIT),
        ("WM_SYSCOLORCHANGE", 0x0015),
        ("WM_ENDSESSION", WM_ENDSESSION),
        ("WM_SETTINGCHANGE", WM_SETTINGCHANGE),
        ("WM_WININICHANGE", WM_SETTINGCHANGE),
        ("WM_DEVMODECHANGE", WM_DEVMODECHANGE),
        ("WM_FONTCHANGE", WM_FONTCHANGE),
        ("WM_TIMECHANGE", WM_TIMECHANGE),
        ("WM_SPOOLERSTATUS", 0x002A),
        ("WM_COMPACTING", 0x0041),
        ("WM_COPYDATA", WM_COPYDATA),
        ("WM_NOTIFY", 0x004E),
        ("WM_INPUTLANGCHANGEREQUEST", 0x0050),
        ("WM_INPUTLANGCHANGE", 0x0051),
        ("WM_USERCHANGED", 0x0054),
        ("WM_DISPLAYCHANGE", 0x007E),
        ("WM_SYSCOMMAND", WM_SYSCOMMAND),
        ("WM_POWERBROADCAST", 0x0218),
        ("WM_DEVICECHANGE", 0x0219),
        ("WM_WTSSESSION_CHANGE", 0x02B1),
        ("WM_PALETTECHANGED", 0x0311),
        ("WM_THEMECHANGED", 0x031A),
        ("WM_USER", WM_USER),
        ("WM_APP", WM_APP),
    ];

    /// <summary>"WM_ENDSESSION", "WM_USER+0x1", "WM_APP+0x5", or null when the id has no name here.</summary>
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
            > WM_USER and < WM_APP => "WM_USER+0x" + (id - WM_USER).ToString("X", CultureInfo.InvariantCulture),
            > WM_APP and < 0xC000 => "WM_APP+0x" + (id - WM_APP).ToString("X", CultureInfo.InvariantCulture),
            _ => null,
        };
    }

    /// <summary>"0x0016", the way the policy's errors and details write an id.</summary>
    public static string Hex(uint id) => "0x" + id.ToString("X4", CultureInfo.InvariantCulture);

    /// <summary>"WM_ENDSESSION (0x0016)", or "0x0123" for an id without a name.</summary>
    public static string Describe(uint id) => NameOf(id) is { } name ? $"{name} ({Hex(id)})" : Hex(id);

    /// <summary>One message id from "0x0016", "22", "WM_ENDSESSION" or "WM_USER+1" (case-insensitive names).</summary>
    public static bool TryParseId(string? text, out uint id)
    {
        id = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        if (TryParseNumber(trimmed, out id))
        {
            return true;
        }

        var plus = trimmed.IndexOf('+', StringComparison.Ordinal);
        var name = plus < 0 ? trimmed : trimmed[..plus].TrimEnd();
        if (!TryFind(name, out var baseId))
        {
            return false;
        }

        if (plus < 0)
        {
            id = baseId;
            return true;
        }

        if (TryParseNumber(trimmed[(plus + 1)..].TrimStart(), out var offset) && baseId + (ulong)offset <= uint.MaxValue)
        {
            id = baseId + offset;
            return true;
        }

        return false;
    }

    /// <summary>An id, or a range "first-last" of two ids (inclusive, first ≤ last).</summary>
    public static bool TryParseRange(string? text, out uint first, out uint last)
    {
        first = last = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            if (!TryParseId(text, out first))
            {
                return false;
            }

            last = first;
            return true;
        }

        return TryParseId(text[..dash], out first) && TryParseId(text[(dash + 1)..], out last) && first <= last;
    }

    private static bool TryParseNumber(string text, out uint value)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }

        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
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
