using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Server.Tests.TestSupport;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Server.Tests.Notifier;

/// <summary>
/// The byte bounds against the real host: a client that stops reading, though never far enough behind to count as
/// overflowed, is ended once it has not drained its stream within Broker:StreamDrainTimeout. It resumes from the last
/// event it received without a gap, the broker keeps serving (readers that keep up are untouched), and history
/// stays within Broker:HistoryMaxBytes however much is sent. Nothing here is timed: waits are bounded only to
/// catch a hang.
/// </summary>
public sealed class ByteLimitStreamTests
{
    private const int EventPayload = 256 * 1024;
    private const int Events = 24;                          // 6 MiB: far more than any HTTP/2 window the client opens
    private const long HistoryMaxBytes = 8L * 1024 * 1024;  // holds all 24, not 48

    [Fact]
    public async Task A_stream_not_drained_within_the_drain_timeout_is_ended_and_resumes_without_a_gap_while_the_broker_stays_healthy()
    {
        var logs = new LogCapture();
        await using var host = await BrokerTestHost.StartAsync(
            builder => builder.Logging.AddProvider(logs),
            "Broker:StreamDrainTimeout=00:00:01",
            "Broker:MaxBatchBytes=65536",
            "Broker:HistoryMaxBytes=" + HistoryMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "Broker:SubscriberQueueCapacity=10000");   // never overflowed: only the drain rule can end it

        using var stalled = Streams.Subscribe(host.Grpc, new SubscribeRequest { MessageIds = { WM_COPYDATA }, HoldAliases = { "stalled-reader" } });
        await stalled.OpenAsync();
        using var reader = Streams.Subscribe(host.Grpc, new SubscribeRequest { MessageIds = { WM_COPYDATA } });
        await reader.OpenAsync();
        var reading = Task.Run(async () =>
        {
            var offsets = new List<ulong>();
            while (offsets.Count < Events)
            {
                offsets.Add((await reader.NextMessageAsync()).Position.Offset);
            }

            return offsets;
        });

        // Another program sends large WM_COPYDATA messages; the stalled client reads none of them.
        await SendCopyDataAsync(host, Events);

        // The broker ends the stream that has not drained (the wait is a hang guard only).
        Assert.True(await logs.WaitForAsync(static e => e.Id.Id == 14), "The stalled stream was never ended.");
        var drained = Assert.Single(logs.Entries, static e => e.Id.Id == 14);
        Assert.Equal(LogLevel.Warning, drained.Level);

        // The reader that keeps up got everything and was never ended.
        const ulong firstOffset = 1; // a fresh broker: these are its first events
        Assert.Equal(Enumerable.Range(0, Events).Select(i => firstOffset + (ulong)i), await reading);

        // The stalled client now reads what reached it, then the end of the stream: a reset (no status can overtake
        // data stuck behind flow control), which the SDK treats as resumable.
        var (received, failure) = await stalled.ReadUntilFailureAsync();
        Assert.True(received.Count < Events, $"{received.Count} events reached a client that read nothing");
        Assert.True(failure.StatusCode == StatusCode.Internal && failure.ErrorInfo is null, $"{failure.StatusCode}: {failure.Message}");
        var lastReceived = received.Count > 0 ? received[^1].Position : new Position { Offset = 0, Epoch = host.Broker.Epoch };
        Assert.Equal(Enumerable.Range(0, received.Count).Select(i => firstOffset + (ulong)i), received.Select(static e => e.Position.Offset));
        Assert.Contains("Broker:StreamDrainTimeout", drained.Message, StringComparison.Ordinal);

        // Its resources are gone: the subscription ended, so the alias it held is released.
        Assert.Equal(0u, await BrokerAssert.WaitForHoldersAsync(host, "stalled-reader", 0));

        // Resuming after the last event it received loses nothing.
        using var resumed = Streams.Subscribe(host.Grpc, new SubscribeRequest { MessageIds = { WM_COPYDATA }, After = lastReceived });
        Assert.True((await resumed.OpenAsync()).Recovered);
        var rest = new List<ulong>();
        while (rest.Count < Events - received.Count)
        {
            rest.Add((await resumed.NextMessageAsync()).Position.Offset);
        }

        Assert.Equal(Enumerable.Range(0, rest.Count).Select(i => lastReceived.Offset + 1 + (ulong)i), rest);

        await BrokerAssert.ServesAsync(host);

        // Memory flat: twice as much again, and history still holds no more than its bytes.
        await SendCopyDataAsync(host, Events);
        var history = host.Broker.GetHistoryState();
        Assert.InRange(history.Bytes, 1, HistoryMaxBytes);
        Assert.True(history.Count < 2 * Events, $"history holds {history.Count} events");
    }

    private static async Task SendCopyDataAsync(BrokerTestHost host, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await host.Desktop.BroadcastFromAsync(2000, new BroadcastCommand(0, 0, WM_COPYDATA, (ulong)i, 0,
                new WindowMessagePayload.CopyData(1, new byte[EventPayload]), TimeSpan.FromSeconds(1)));
        }
    }

    private sealed record LogEntry(string Category, LogLevel Level, EventId Id, string Message);

    /// <summary>Keeps what the host logs at warning and above.</summary>
    private sealed class LogCapture : ILoggerProvider
    {
        public ConcurrentQueue<LogEntry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

        /// <summary>Polls until an entry matches or the hang guard runs out.</summary>
        public async Task<bool> WaitForAsync(Func<LogEntry, bool> match)
        {
            using var guard = new CancellationTokenSource(Streams.Patience);
            while (!Entries.Any(match))
            {
                if (guard.IsCancellationRequested)
                {
                    return false;
                }

                await Task.Delay(20, CancellationToken.None);
            }

            return true;
        }

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception)));
                }
            }
        }
    }
}
