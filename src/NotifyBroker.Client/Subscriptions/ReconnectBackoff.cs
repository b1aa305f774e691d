namespace NotifyBroker.Client.Subscriptions;

/// <summary>Exponential backoff with jitter: initial × 2^(attempt-1), capped, then spread ±20% so clients don't reconnect in lockstep.</summary>
internal static class ReconnectBackoff
{
    public static TimeSpan Delay(int attempt, SubscriptionOptions options)
    {
        var initial = Math.Max(0, options.InitialBackoff.TotalMilliseconds);
        var max = Math.Max(initial, options.MaxBackoff.TotalMilliseconds);
        var exponential = Math.Min(max, initial * Math.Pow(2, Math.Min(attempt - 1, 30)));
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromMilliseconds(Math.Min(max, exponential * jitter));
    }
}
