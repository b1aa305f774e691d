using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Subscriptions;

namespace NotifyBroker.Core.Tests.TestSupport;

/// <summary>Reading helpers. The timeouts only guard against hangs; no test asserts on time.</summary>
internal static class Read
{
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    /// <summary>Everything ready right now, without waiting.</summary>
    public static List<BrokerEvent> Available(Subscription subscription)
    {
        var events = new List<BrokerEvent>();
        while (subscription.TryRead(out var e))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>Everything ready right now, without waiting.</summary>
    public static List<BrokerEvent> Available(IEventStream stream)
    {
        var events = new List<BrokerEvent>();
        while (stream.TryRead(out var e))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>Exactly <paramref name="count"/> events, waiting for them as needed.</summary>
    public static async Task<List<BrokerEvent>> ExactlyAsync(Subscription subscription, int count)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        var events = new List<BrokerEvent>();
        while (events.Count < count)
        {
            if (!await subscription.WaitToReadAsync(guard.Token))
            {
                throw new InvalidOperationException($"The subscription ended after {events.Count} events: {subscription.Completion}");
            }

            while (events.Count < count && subscription.TryRead(out var e))
            {
                events.Add(e);
            }
        }

        return events;
    }

    public static AliasMessageBody Alias(BrokerEvent e) => Assert.IsType<AliasMessageBody>(e.Body);

    public static WindowMessageBody Window(BrokerEvent e) => Assert.IsType<WindowMessageBody>(e.Body);
}
