using System.Globalization;

namespace NotifyBroker.Cli.Parsing;

/// <summary>
/// Durations for --deadline, --timeout and relative --since: a number with a unit (500ms, 5s, 2m, 1h, 1d), a bare
/// number of seconds (as msg.exe's /TIME), or a TimeSpan (00:00:05).
/// </summary>
internal static class Durations
{
    public const string Syntax = "a duration like 500ms, 5s, 2m, 1h, a number of seconds, or hh:mm:ss";

    private static readonly (string Suffix, double Milliseconds)[] Units =
    [
        ("ms", 1),
        ("s", 1000),
        ("m", 60_000),
        ("h", 3_600_000),
        ("d", 86_400_000),
    ];

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return false;
        }

        if (trimmed.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
        }

        var milliseconds = 1000.0;
        var number = trimmed;
        foreach (var (suffix, unit) in Units)
        {
            // "ms" is checked before "s" and "m", so "500ms" is never read as 500 minutes of "s".
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                milliseconds = unit;
                number = trimmed[..^suffix.Length];
                break;
            }
        }

        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) ||
            double.IsInfinity(amount * milliseconds) || amount * milliseconds > TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(amount * milliseconds);
        return true;
    }

    /// <summary>A short human form: 25s, 1.5s, 250ms, 2m, 01:30:00.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
        {
            return duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
        }

        if (duration < TimeSpan.FromMinutes(1))
        {
            return duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
        }

        return duration.TotalMinutes == Math.Floor(duration.TotalMinutes) && duration < TimeSpan.FromHours(1)
            ? duration.TotalMinutes.ToString("0", CultureInfo.InvariantCulture) + "m"
            : duration.ToString("c", CultureInfo.InvariantCulture);
    }
}
