using System.Globalization;

namespace NotifyBroker.Cli.Parsing;

/// <summary>Points in time for --since: an ISO 8601 time (UTC unless it says otherwise) or a duration back from now.</summary>
internal static class Times
{
    public const string Syntax = "an ISO 8601 time (2025-01-31T12:00:00Z) or a duration back from now (30s, 5m, 2h)";

    public static bool TryParseSince(string text, DateTimeOffset now, out DateTimeOffset since)
    {
        if (Durations.TryParse(text, out var ago) && !LooksLikeDate(text))
        {
            since = now - ago;
            return true;
        }

        return DateTimeOffset.TryParse(
            text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out since);
    }

    /// <summary>Event times as the CLI prints them: UTC, milliseconds, ISO 8601.</summary>
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // A text with a date or clock part ("2025-01-31", "T", "12:30") is a point in time, never "12.5 hours ago".
    private static bool LooksLikeDate(string text) => text.AsSpan().IndexOfAny('-', ':', 'T') >= 0 || text.Contains('t', StringComparison.Ordinal);
}
