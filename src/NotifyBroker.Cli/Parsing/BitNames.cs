using NotifyBroker.Core.Desktop;

namespace NotifyBroker.Cli.Parsing;

/// <summary>
/// A Win32 bit set by name: BSF_* (dwFlags) or BSM_* (*lpInfo). The names and values are the core's
/// (<see cref="Core.Desktop.BroadcastFlags"/>, <see cref="BroadcastRecipients"/>), the ones the broker checks; the
/// contract's BroadcastFlag and BroadcastRecipient enums are held to the same values by the server's tests.
/// </summary>
internal sealed class BitNames
{
    public static readonly BitNames BroadcastFlags = From("BSF_", Core.Desktop.BroadcastFlags.Names);

    public static readonly BitNames Recipients = From("BSM_", BroadcastRecipients.Names);

    private static readonly char[] Separators = [',', '|', '+', ' '];

    private readonly (string Name, uint Value)[] _bits;
    private readonly string? _zeroName;

    private BitNames(string prefix, (string Name, uint Value)[] bits, string? zeroName)
    {
        Prefix = prefix;
        _bits = bits;
        _zeroName = zeroName;
    }

    /// <summary>"BSF_" or "BSM_".</summary>
    public string Prefix { get; }

    /// <summary>Every name, in winuser.h's order.</summary>
    public IEnumerable<string> Names => _zeroName is null ? _bits.Select(static b => b.Name) : [_zeroName, .. _bits.Select(static b => b.Name)];

    /// <summary>
    /// Parses "query,nohang", "BSF_QUERY|BSF_POSTMESSAGE", "0x11" or a mix: names with or without the prefix, any case,
    /// and numbers (decimal or 0x hex) ORed together. Numbers pass through as given, unknown bits included: the broker
    /// judges those, as BroadcastSystemMessageEx does. An unknown name is an error here.
    /// </summary>
    public bool TryParse(string text, out uint value, out string? error)
    {
        value = 0;
        error = null;
        var tokens = text.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (tokens.Length == 0)
        {
            error = $"Expected {Prefix}* names or a number, got '{text}'.";
            return false;
        }

        foreach (var token in tokens)
        {
            if (Numbers.TryParseUInt32(token, out var number))
            {
                value |= number;
                continue;
            }

            var name = token.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? token : Prefix + token;
            if (_zeroName is not null && string.Equals(name, _zeroName, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var match = Array.FindIndex(_bits, b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase));
            if (match < 0)
            {
                error = $"Unknown {Prefix}* name '{token}'. Known: {string.Join(", ", Names)} (the prefix is optional), or a number.";
                return false;
            }

            value |= _bits[match].Value;
        }

        return true;
    }

    /// <summary>"BSF_QUERY|BSF_NOHANG", with any unnamed bits as a trailing hex number; the zero name (or "0") for none.</summary>
    public string Format(uint value)
    {
        if (value == 0)
        {
            return _zeroName ?? "0";
        }

        var parts = new List<string>();
        var rest = value;
        foreach (var (name, bit) in _bits)
        {
            if ((value & bit) == bit)
            {
                parts.Add(name);
                rest &= ~bit;
            }
        }

        if (rest != 0)
        {
            parts.Add(Numbers.Hex(rest));
        }

        return string.Join('|', parts);
    }

    private static BitNames From(string prefix, IReadOnlyList<(string Name, uint Value)> names) =>
        new(prefix, [.. names.Where(static n => n.Value != 0)], names.FirstOrDefault(static n => n.Value == 0).Name);
}
