using System.Diagnostics.CodeAnalysis;
using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Observability;

namespace NotifyBroker.Core.Subscriptions;

/// <summary>
/// An open subscription, as the transport sees it: report <see cref="Open"/> first, then loop
/// <c>while (await WaitToReadAsync(ct)) while (TryRead(out var e)) send(e);</c> and, when WaitToReadAsync returns
/// false, report <see cref="Completion"/>. Replay and live arrive as one ordered sequence without gap or duplicate.
/// Dispose it when the stream ends: that releases its held aliases. Single reader; Dispose from any thread.
/// </summary>
public sealed class Subscription : IDisposable
{
    private readonly IEventStream _stream;
    private readonly IDisposable _aliasLease;
    private readonly IDisposable _audience;
    private int _disposed;

    internal Subscription(IEventStream stream, IDisposable aliasLease, IDisposable audience)
    {
        _stream = stream;
        _aliasLease = aliasLease;
        _audience = audience;
        BrokerTelemetry.ActiveSubscribers.Add(1);
    }

    /// <summary>The current and oldest positions when the subscription opened, and whether it recovered.</summary>
    public SubscriptionOpen Open => _stream.Open;

    /// <summary>Why the subscription ended and where to resume, or null while it is open.</summary>
    public SubscriptionCompletion? Completion => _stream.Completion;

    /// <summary>The position of the last event consumed (or filtered out).</summary>
    public StreamPosition LastPosition => _stream.LastPosition;

    /// <summary>How many of the events this subscription would receive are waiting beyond <see cref="LastPosition"/> (see <see cref="Engine.IEventStream.Lag"/>).</summary>
    public long Lag => _stream.Lag;

    /// <summary>Take the next event, if one is ready.</summary>
    public bool TryRead([MaybeNullWhen(false)] out BrokerEvent brokerEvent)
    {
        if (!_stream.TryRead(out brokerEvent))
        {
            return false;
        }

        BrokerTelemetry.Deliveries.Add(1);
        return true;
    }

    /// <summary>Wait until an event may be ready (true) or the subscription has ended (false).</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default)
    {
        // Sampled each time the reader comes back for more: how far behind it is at that moment.
        if (BrokerTelemetry.QueueDepth.Enabled)
        {
            BrokerTelemetry.QueueDepth.Record(_stream.Lag);
        }

        return _stream.WaitToReadAsync(cancellationToken);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stream.Dispose();
        _audience.Dispose();
        _aliasLease.Dispose();
        BrokerTelemetry.ActiveSubscribers.Add(-1);
    }
}
