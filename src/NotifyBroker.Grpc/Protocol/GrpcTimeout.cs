namespace NotifyBroker.Grpc.Protocol;

/// <summary>
/// The grpc-timeout header: TimeoutValue (1 to 8 ASCII digits) followed by a unit: H hours, M minutes, S seconds,
/// m milliseconds, u microseconds, n nanoseconds.
/// </summary>
public static class GrpcTimeout
{
    private const long MaxValue = 99_999_999;

    /// <summary>
    /// Parses a grpc-timeout value, clamped to <see cref="GrpcProtocolConstants.MaxTimeout"/>. False for anything
    /// malformed (no digits, more than 8, a sign, spaces, an unknown unit): callers ignore such a header, so the call
    /// runs without a deadline, as it would if the header had been left out.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> value, out TimeSpan timeout)
    {
        timeout = default;
        if (value.Length < 2 || value.Length > 9)
        {
            return false;
        }

        long amount = 0;
        var digits = value[..^1];
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            amount = (amount * 10) + (c - '0');
        }

        long ticks;
        switch (value[^1])
        {
            case 'H': ticks = amount * TimeSpan.TicksPerHour; break;
            case 'M': ticks = amount * TimeSpan.TicksPerMinute; break;
            case 'S': ticks = amount * TimeSpan.TicksPerSecond; break;
            case 'm': ticks = amount * TimeSpan.TicksPerMillisecond; break;
            case 'u': ticks = amount * TimeSpan.TicksPerMicrosecond; break;
            case 'n': ticks = amount / TimeSpan.NanosecondsPerTick; break;
            default: return false;
        }

        // 99,999,999 H is 3.6e18 ticks, inside long: no overflow before the clamp.
        timeout = ticks > GrpcProtocolConstants.MaxTimeout.Ticks ? GrpcProtocolConstants.MaxTimeout : TimeSpan.FromTicks(ticks);
        return true;
    }

    /// <summary>
    /// Formats a timeout in the finest unit that fits in 8 digits, rounding up so the server never sees a shorter
    /// deadline than the client's. Clamped to <see cref="GrpcProtocolConstants.MaxTimeout"/>; zero or negative
    /// (already expired) gives "1n".
    /// </summary>
    public static string Format(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return "1n";
        }

        var ticks = Math.Min(timeout.Ticks, GrpcProtocolConstants.MaxTimeout.Ticks);
        if (ticks <= MaxValue / TimeSpan.NanosecondsPerTick)
        {
            return string.Concat((ticks * TimeSpan.NanosecondsPerTick).ToString(System.Globalization.CultureInfo.InvariantCulture), "n");
        }

        return TryUnit(ticks, TimeSpan.TicksPerMicrosecond, 'u')
            ?? TryUnit(ticks, TimeSpan.TicksPerMillisecond, 'm')
            ?? TryUnit(ticks, TimeSpan.TicksPerSecond, 'S')
            ?? TryUnit(ticks, TimeSpan.TicksPerMinute, 'M')
            ?? TryUnit(ticks, TimeSpan.TicksPerHour, 'H')!;
    }

    private static string? TryUnit(long ticks, long ticksPerUnit, char unit)
    {
        var amount = (ticks + ticksPerUnit - 1) / ticksPerUnit;
        return amount <= MaxValue
            ? string.Concat(amount.ToString(System.Globalization.CultureInfo.InvariantCulture), unit.ToString())
            : null;
    }
}
