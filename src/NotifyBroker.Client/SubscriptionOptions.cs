namespace NotifyBroker.Client;

/// <summary>How <see cref="NotifierClient.SubscribeAsync(NotifyBroker.Contracts.V1.SubscribeRequest, System.Threading.CancellationToken)"/> resumes.</summary>
public sealed class SubscriptionOptions
{
    /// <summary>
    /// Resubscribe after a resumable failure (the broker stopping, a slow-consumer disconnect, a lost connection) from the
    /// last position the enumeration yielded, so the sequence continues without gap or duplicate. On by default; off,
    /// the first failure ends the enumeration with a <see cref="NotifyException"/>.
    /// </summary>
    public bool AutoResume { get; set; } = true;

    /// <summary>The wait before the first reconnect attempt; it doubles per failed attempt up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between reconnect attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many reconnect attempts in a row may fail (a stream that reaches its Open event resets the count) before the
    /// enumeration gives up with the last failure. Null: keep trying until cancelled.
    /// </summary>
    public int? MaxReconnectAttempts { get; set; }

    /// <summary>
    /// Called before each reconnect, e.g. to log it. Whether the resumed stream lost nothing is told by the Open event it
    /// yields next: <c>Open.Recovered</c> is false when history no longer held the events after the resume position;
    /// <see cref="OnResumed"/> says so too, with how many events were lost when that is knowable.
    /// </summary>
    public Action<SubscriptionReconnect>? OnReconnecting { get; set; }

    /// <summary>
    /// Called when a stream that asked to resume opens, before its Open event is yielded: each reconnect's stream, and the
    /// first one when the request itself starts with <c>after</c> or <c>since</c>. It tells whether the stream lost
    /// nothing and, when it did, how many events (exact within one history; unknowable after a broker restart).
    /// </summary>
    public Action<SubscriptionResumed>? OnResumed { get; set; }
}

/// <summary>A reconnect about to happen.</summary>
/// <param name="Attempt">1 for the first attempt after a stream ended, counting up while attempts fail.</param>
/// <param name="Delay">How long the client waits before the attempt.</param>
/// <param name="Failure">Why the previous stream (or attempt) ended.</param>
/// <param name="ResumeAfter">The position the attempt resumes after (null: it repeats the original start).</param>
public sealed record SubscriptionReconnect(int Attempt, TimeSpan Delay, NotifyException Failure, Contracts.V1.Position? ResumeAfter);
