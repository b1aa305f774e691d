using System.Globalization;
using NotifyBroker.Core.Desktop;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Core.Policy;

/// <summary>
/// The names of window messages (the <c>WM_*</c> constants of <see cref="WindowMessages"/>) and the one syntax that
/// names a message: an id ("0x0219", "537"), a name ("WM_POWERBROADCAST", any case), a name plus an offset
/// ("WM_USER+1", "WM_APP+0x10") and a range of two of those ("0x0400-0x04FF"). The operator's allow lists
/// (<see cref="BroadcastPolicyOptions"/>), the policy's errors and the `notify` CLI all read and write messages this way.
/// </summary>
public static class MessageNames
{
    // Every WM_* constant of WindowMessages, in its order: when two names share a value (WM_WININICHANGE), the first is shown.
    private static readonly (string Name, uint Id)[] Known = ConstantNames.Of(typeof(WindowMessages), "WM_");

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
            > WM_APP and < RegisteredFirst => "WM_APP+0x" + (id - WM_APP).ToString("X", CultureInfo.InvariantCulture),
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
