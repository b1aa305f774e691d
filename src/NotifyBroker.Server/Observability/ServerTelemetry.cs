using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace NotifyBroker.Server.Observability;

/// <summary>The host's own ActivitySource and Meter, both "NotifyBroker.Server": what only the transport side sees.</summary>
public static class ServerTelemetry
{
    public const string Name = "NotifyBroker.Server";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Subscribe streams reset because their client stopped reading (the drops a slow consumer causes).</summary>
    public static readonly Counter<long> StreamResets =
        Meter.CreateCounter<long>("notify.server.subscribe.stream_resets", "{stream}", "Subscribe streams reset because a stalled client stopped reading.");

    /// <summary>
    /// Events serialized for Subscribe streams: once per event however many streams carry it (serialize-once
    /// fan-out), so this grows with traffic, never with the number of subscribers.
    /// </summary>
    public static readonly Counter<long> EventsEncoded =
        Meter.CreateCounter<long>("notify.server.subscribe.events_encoded", "{event}", "Events serialized for Subscribe streams (once per event, shared by every stream).");

}
