using System.Diagnostics;
using System.Diagnostics.Metrics;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Observability;
using NotifyBroker.Core.Policy;
using NotifyBroker.Core.Subscriptions;
using NotifyBroker.Core.Tests.TestSupport;

namespace NotifyBroker.Core.Tests.Observability;

[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;

/// <summary>
/// Spans and metrics. The source and meter are process-wide, so these tests run alone and look only at what
/// their own broker produced.
/// </summary>
[Collection(nameof(TelemetryCollection))]
public sealed class TelemetryTests : IDisposable
{
    private readonly List<Activity> _activities = [];
    private readonly ActivityListener _listener;

    public TelemetryTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is BrokerTelemetry.Name or nameof(TelemetryTests),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (_activities) { _activities.Add(activity); } },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    private Activity[] Stopped(string name)
    {
        lock (_activities) { return [.. _activities.Where(a => a.OperationName == name)]; }
    }

    [Fact]
    public async Task A_received_broadcast_gets_a_span_linked_to_the_broadcast_and_its_event_carries_that_span()
    {
        await using var test = await TestBroker.StartAsync();
        using var subscription = test.Broker.Subscribe(new SubscriptionRequest());

        await test.Broker.BroadcastAsync(new BrokerBroadcastRequest { MessageId = 0xC000 });

        var broadcast = Assert.Single(Stopped("desktop.broadcast"));
        var receive = Assert.Single(Stopped("listener.receive"));
        Assert.Null(receive.ParentId);
        Assert.Equal(broadcast.Context, Assert.Single(receive.Links).Context);
        var e = Assert.Single(Read.Available(subscription));
        Assert.Equal($"00-{receive.TraceId}-{receive.SpanId}-01", e.Trace.TraceParent);
    }

    [Fact]
    public async Task A_failed_desktop_call_records_the_Win32_code_on_its_span()
    {
        await using var test = await TestBroker.StartAsync(capabilities: DesktopCapabilities.Sessions);

        await Assert.ThrowsAsync<BrokerException>(() => test.Broker.BroadcastAsync(new BrokerBroadcastRequest { RegisteredName = new string('x', 300) }).AsTask());
        await Assert.ThrowsAsync<BrokerException>(() => test.Broker.SendAsync(new BrokerSendRequest { MsgName = "nobody" }).AsTask());

        var register = Assert.Single(Stopped("desktop.register_message"));
        Assert.Equal(ActivityStatusCode.Error, register.Status);
        Assert.Equal(Win32Error.ERROR_INVALID_PARAMETER, register.GetTagItem(BrokerTelemetry.ErrorCodeAttribute));
        Assert.Equal("ERROR_INVALID_PARAMETER", register.GetTagItem(BrokerTelemetry.ErrorNameAttribute));

        var send = Assert.Single(Stopped("desktop.send_to_session"));
        Assert.Equal(Win32Error.NERR_NameNotFound, send.GetTagItem(BrokerTelemetry.ErrorCodeAttribute));
        Assert.Equal("NERR_NameNotFound", send.GetTagItem(BrokerTelemetry.ErrorNameAttribute));
    }

    [Fact]
    public async Task An_alias_event_carries_the_trace_context_of_the_sending_call()
    {
        using var source = new ActivitySource(nameof(TelemetryTests));
        await using var test = await TestBroker.StartAsync();
        using var subscription = test.Broker.Subscribe(new SubscriptionRequest { HoldAliases = ["ops"] });

        using (var call = source.StartActivity("rpc"))
        {
            call!.TraceStateString = "vendor=1";
            await test.Broker.SendAsync(new BrokerSendRequest { MsgName = "ops" });
        }

        var rpc = Assert.Single(Stopped("rpc"));
        var e = Assert.Single(Read.Available(subscription));
        Assert.Equal($"00-{rpc.TraceId}-{rpc.SpanId}-01", e.Trace.TraceParent);
        Assert.Equal("vendor=1", e.Trace.TraceState);
    }

    [Fact]
    public async Task The_meter_reports_messages_deliveries_subscribers_history_and_slow_consumers()
    {
        var totals = new Dictionary<string, long>();
        long? historySize = null;
        string? epoch = null;
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == BrokerTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (totals) { totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value; }
        });
        meterListener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "notify.broker.epoch" && (string?)tag.Value == epoch)
                {
                    historySize = value;
                }
            }
        });
        meterListener.Start();

        await using var test = await TestBroker.StartAsync(o => o.SubscriberQueueCapacity = 2);
        epoch = test.Broker.Epoch;
        var fast = test.Broker.Subscribe(new SubscriptionRequest());
        var slow = test.Broker.Subscribe(new SubscriptionRequest());
        test.Broker.AddAlias(null, "ops");

        for (var i = 0; i < 3; i++)
        {
            await test.Broker.BroadcastAsync(new BrokerBroadcastRequest { MessageId = 0xC000 });
            await fast.WaitToReadAsync();
            Assert.True(fast.TryRead(out _));
        }

        await test.Broker.SendAsync(new BrokerSendRequest { MsgName = "ops" });
        Assert.True(fast.TryRead(out _));
        Assert.False(await slow.WaitToReadAsync());
        meterListener.RecordObservableInstruments();

        Assert.Equal(3, totals["notify.broker.messages.received"]);
        Assert.Equal(1, totals["notify.broker.alias_messages"]);
        Assert.Equal(4, totals["notify.broker.deliveries"]);
        Assert.Equal(1, totals["notify.broker.slow_consumer.disconnects"]);
        Assert.Equal(2, totals["notify.broker.subscribers.active"]);
        Assert.True(totals["notify.broker.subscriber.queue_depth"] >= 3);
        Assert.Equal(4, historySize);

        fast.Dispose();
        slow.Dispose();
        Assert.Equal(0, totals["notify.broker.subscribers.active"]);
    }
}
