using System.Text;

namespace NotifyBroker.Grpc.Protocol;

/// <summary>
/// grpc-message is UTF-8, then percent-encoded: every byte outside 0x20–0x7E, and '%' itself, becomes "%XX".
/// Decoding never fails: an invalid escape is kept as it stands and invalid UTF-8 becomes U+FFFD, because the spec
/// says a receiver must neither error nor throw the message away.
/// </summary>
public static class PercentEncoding
{
    private const string HexDigits = "0123456789ABCDEF";

    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var firstToEncode = IndexOfByteToEncode(value);
        if (firstToEncode < 0)
        {
            return value;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        var builder = new StringBuilder(bytes.Length + 16);
        foreach (var b in bytes)
        {
            if (IsUnreserved(b))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
            }
        }

        return builder.ToString();
    }

    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.IndexOf('%') < 0)
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length && TryHex(value[i + 1], out var high) && TryHex(value[i + 2], out var low))
            {
                bytes.Add((byte)((high << 4) | low));
                i += 2;
            }
            else if (c <= 0x7F)
            {
                bytes.Add((byte)c);
            }
            else
            {
                // Not valid on the wire, but never thrown away: keep the character as UTF-8.
                var rune = Rune.IsValid(c) ? new Rune(c) : Rune.ReplacementChar;
                var written = rune.EncodeToUtf8(utf8);
                for (var j = 0; j < written; j++)
                {
                    bytes.Add(utf8[j]);
                }
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static int IndexOfByteToEncode(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c > 0x7F || !IsUnreserved((byte)c))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsUnreserved(byte b) => b is >= 0x20 and <= 0x7E && b != (byte)'%';

    private static bool TryHex(char c, out int value)
    {
        value = c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'A' and <= 'F' => c - 'A' + 10,
            >= 'a' and <= 'f' => c - 'a' + 10,
            _ => -1,
        };
        return value >= 0;
    }
}
