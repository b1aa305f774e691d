using System.Globalization;

namespace NotifyBroker.Cli.Parsing;

/// <summary>Numbers as people type them for Win32 values: decimal, or hexadecimal with a 0x prefix.</summary>
internal static class Numbers
{
    public static bool TryParseUInt64(string text, out ulong value)
    {
        var trimmed = text.Trim();
        return IsHex(trimmed, out var digits)
            ? ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : ulong.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryParseUInt32(string text, out uint value)
    {
        value = 0;
        if (!TryParseUInt64(text, out var wide) || wide > uint.MaxValue)
        {
            return false;
        }

        value = (uint)wide;
        return true;
    }

    /// <summary>A signed 64-bit value (lParam): decimal with an optional minus sign, or 0x hex read as the 64-bit pattern.</summary>
    public static bool TryParseInt64(string text, out long value)
    {
        var trimmed = text.Trim();
        if (IsHex(trimmed, out var digits))
        {
            // 0xFFFFFFFFFFFFFFFF is -1, as a C cast of the bit pattern would read it.
            var ok = ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bits);
            value = unchecked((long)bits);
            return ok;
        }

        return long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static string Hex(ulong value) => "0x" + value.ToString("X", CultureInfo.InvariantCulture);

    /// <summary>A message id the way winuser.h writes them: at least four hex digits.</summary>
    public static string MessageIdHex(uint value) => "0x" + value.ToString("X4", CultureInfo.InvariantCulture);

    private static bool IsHex(string text, out string digits)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Length > 2)
        {
            digits = text[2..];
            return true;
        }

        digits = text;
        return false;
    }
}
