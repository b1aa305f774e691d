using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Errors;

namespace NotifyBroker.Core.Observability;

/// <summary>
/// The core's one ActivitySource and one Meter, both named "NotifyBroker.Core". Everything here is cheap when
/// nobody listens: StartActivity returns null without a listener and instruments drop measurements without one.
/// </summary>
public static class BrokerTelemetry
{
    public const string Name = "NotifyBroker.Core";

    /// <summary>Span attribute with the Win32/NERR code of a failed desktop call.</summary>
    public const string ErrorCodeAttribute = "win32.error_code";

    /// <summary>Span attribute with the symbolic name of that code.</summary>
    public const string ErrorNameAttribute = "win32.error_name";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Window messages the listener received and history accepted.</summary>
    public static readonly Counter<long> MessagesReceived =
        Meter.CreateCounter<long>("notify.broker.messages.received", "{message}", "Window messages received by the listener window.");

    /// <summary>Messages sent to aliases and published to subscribers.</summary>
    public static readonly Counter<long> AliasMessages =
        Meter.CreateCounter<long>("notify.broker.alias_messages", "{message}", "Messages sent to aliases held or registered in this broker.");

    /// <summary>Events handed to subscribers (one per subscriber per event).</summary>
    public static readonly Counter<long> Deliveries =
        Meter.CreateCounter<long>("notify.broker.deliveries", "{event}", "Events consumed by subscriptions.");

    /// <summary>Subscriptions ended because they fell behind.</summary>
    public static readonly Counter<long> SlowConsumerDisconnects =
        Meter.CreateCounter<long>("notify.broker.slow_consumer.disconnects", "{subscription}", "Subscriptions ended for falling behind.");

    /// <summary>Open subscriptions.</summary>
    public static readonly UpDownCounter<long> ActiveSubscribers =
        Meter.CreateUpDownCounter<long>("notify.broker.subscribers.active", "{subscription}", "Open subscriptions.");

    /// <summary>How far a subscription was behind when its reader came back for more.</summary>
    public static readonly Histogram<long> QueueDepth =
        Meter.CreateHistogram<long>("notify.broker.subscriber.queue_depth", "{event}", "Events a subscription had yet to read when its reader asked for more.");

    /// <summary>Listener events that could not be published (a bug: the sink must never throw into a window procedure).</summary>
    public static readonly Counter<long> PublishFailures =
        Meter.CreateCounter<long>("notify.broker.publish.failures", "{message}", "Received window messages that could not be published.");

    private static readonly ConcurrentDictionary<IBrokerEngine, byte> Engines = new();

    // Observed on collection only: the size of each live broker's history.
    private static readonly ObservableGauge<int> HistorySize = Meter.CreateObservableGauge(
        "notify.broker.history.size",
        static () => Engines.Keys.Select(static engine => new Measurement<int>(
            engine.GetHistoryState().Count, new KeyValuePair<string, object?>("notify.broker.epoch", engine.Epoch))),
        "{event}",
        "Events held in history.");

    // Observed on collection only: the bytes each live broker's history holds (never above Broker:HistoryMaxBytes).
    private static readonly ObservableGauge<long> HistoryBytes = Meter.CreateObservableGauge(
        "notify.broker.history.bytes",
        static () => Engines.Keys.Select(static engine => new Measurement<long>(
            engine.GetHistoryState().Bytes, new KeyValuePair<string, object?>("notify.broker.epoch", engine.Epoch))),
        "By",
        "Bytes of the events held in history (their notify.v1.Event encoding, estimated from above).");

    /// <summary>Report this engine's history size until the returned handle is disposed.</summary>
    public static IDisposable TrackHistory(IBrokerEngine engine)
    {
        Engines.TryAdd(engine, 0);
        return new Untrack(engine);
    }

    /// <summary>Start a span around a call into the desktop.</summary>
    public static Activity? StartDesktopCall(string operation, ActivityKind kind = ActivityKind.Client) =>
        Source.StartActivity("desktop." + operation, kind);

    /// <summary>Mark a span failed with the Win32/NERR code of <paramref name="error"/>.</summary>
    public static void RecordFailure(Activity? activity, BrokerException error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag(ErrorCodeAttribute, error.Code);
        activity.SetTag(ErrorNameAttribute, error.SymbolicName);
    }

    private sealed class Untrack(IBrokerEngine engine) : IDisposable
    {
        public void Dispose() => Engines.TryRemove(engine, out _);
    }
}
