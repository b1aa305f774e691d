using System.Diagnostics.Metrics;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Observability;
using NotifyBroker.Server.Tests.TestSupport;

namespace NotifyBroker.Server.Tests.Notifier;

/// <summary>Runs alone: it counts a process-wide instrument that other tests' streams would also move.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EncodeCountCollection
{
    public const string Name = "encode count";
}

/// <summary>Serialize-once fan-out: every Subscribe stream writes the same bytes, encoded once per event.</summary>
[Collection(EncodeCountCollection.Name)]
public sealed class SerializeOnceTests
{
    private const int Events = 40;

    [Theory]
    [InlineData(1)]
    [InlineData(25)]
    public async Task Each_event_is_encoded_once_however_many_streams_deliver_it(int subscribers)
    {
        await using var host = await BrokerTestHost.StartAsync();
        var streams = Enumerable.Range(0, subscribers)
            .Select(_ => Streams.Subscribe(host.Grpc, new SubscribeRequest { Aliases = { "fanout" } }))
            .ToList();
        try
        {
            foreach (var stream in streams)
            {
                await stream.OpenAsync();
            }

            await host.Client.AddAliasAsync("fanout");
            using var encoded = new EncodeCounter();
            for (var i = 0; i < Events; i++)
            {
                await host.Client.SendAsync("fanout", $"event {i}");
            }

            foreach (var stream in streams)
            {
                for (var i = 0; i < Events; i++)
                {
                    Assert.Equal($"event {i}", (await stream.NextMessageAsync()).AliasMessage.Text);
                }
            }

            // Every stream received every event, and each event was serialized exactly once.
            Assert.Equal(Events, encoded.Count);
        }
        finally
        {
            streams.ForEach(static s => s.Dispose());
        }
    }

    /// <summary>Counts notify.server.subscribe.events_encoded while it lives.</summary>
    private sealed class EncodeCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public EncodeCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                // By name: the instrument may be published while ServerTelemetry's statics are still being set.
                if (instrument.Meter.Name == ServerTelemetry.Name && instrument.Name == "notify.server.subscribe.events_encoded")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
