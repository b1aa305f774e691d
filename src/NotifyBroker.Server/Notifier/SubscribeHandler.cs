using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Server.Errors;
using NotifyBroker.Server.Mapping;
using NotifyBroker.Server.Security;

namespace NotifyBroker.Server.Notifier;

/// <summary>Subscribe: open a core subscription for the request and pump it onto the response stream until it ends.</summary>
internal sealed class SubscribeHandler
{
    /// <summary>Shorter keepalive intervals are raised to this, so no client can make a stream spin.</summary>
    internal static readonly TimeSpan MinKeepaliveInterval = TimeSpan.FromMilliseconds(100);

    private readonly Broker _broker;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly StreamWatchdog _watchdog;
    private readonly ILogger _logger;

    public SubscribeHandler(Broker broker, IHostApplicationLifetime lifetime, TimeProvider time, ILogger logger)
    {
        _broker = broker;
        _lifetime = lifetime;
        _watchdog = new StreamWatchdog(time, lifetime.ApplicationStopping);
        _logger = logger;
    }

    public Task Handle(SubscribeRequest request, IServerStreamWriter<byte[]> responseStream, ServerCallContext context)
    {
        try
        {
            return Start(request, responseStream, context);
        }
        catch (BrokerException error)
        {
            // A bad request fails here, before the stream runs; once it runs, the pump applies the same rule.
            throw NotifyStatus.FromBrokerException(error);
        }
    }

    private Task Start(SubscribeRequest request, IServerStreamWriter<byte[]> responseStream, ServerCallContext context)
    {
        var keepalive = ContractTime.ToTimeSpanOrZero(request.KeepaliveInterval, "keepalive_interval");
        keepalive = keepalive == TimeSpan.Zero ? _broker.Options.DefaultKeepaliveInterval : keepalive;
        keepalive = keepalive < MinKeepaliveInterval ? MinKeepaliveInterval : keepalive;

        var stopping = _lifetime.ApplicationStopping;
        if (stopping.IsCancellationRequested)
        {
            throw StreamEnds.BrokerStopping(_broker.CurrentPosition);
        }

        // Not an async method: the pump's state machine is the only one this stream keeps (an idle stream costs
        // memory for as long as it stays open). The pump disposes the subscription when the stream ends, however
        // it ends, which releases its held aliases.
        var subscription = _broker.Subscribe(RequestMapping.ToCore(request) with { Caller = context.CallerOf() });
        try
        {
            var pump = new SubscriptionPump(
                subscription, responseStream, context, keepalive, _broker.Options.SubscriberQueueCapacity, _watchdog, stopping, _logger);
            return pump.RunAsync();
        }
        catch
        {
            subscription.Dispose();
            throw;
        }
    }
}
