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

}
