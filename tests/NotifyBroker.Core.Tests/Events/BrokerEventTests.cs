using NotifyBroker.Core.Events;
using NotifyBroker.Core.Tests.TestSupport;

namespace NotifyBroker.Core.Tests.Events;

/// <summary>The encode-once slot the transport fills.</summary>
public class BrokerEventTests
{
    private static readonly object Protobuf = new();
    private static readonly object Json = new();

    private static BrokerEvent NewEvent() => new(new StreamPosition(1, "e"), DateTimeOffset.UnixEpoch, TraceContext.None, Bodies.Window(1));

    [Fact]
    public void An_event_is_encoded_once_per_format()
    {
        var e = NewEvent();
        var calls = 0;

        var first = e.GetOrAddEncoded(Protobuf, _ => { calls++; return new byte[] { 1 }; });
        var second = e.GetOrAddEncoded(Protobuf, _ => { calls++; return new byte[] { 2 }; });

        Assert.Same(first, second);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Concurrent_first_callers_share_one_encoding_run()
    {
        var e = NewEvent();
        var calls = 0;
        using var release = new ManualResetEventSlim();
        using var start = new Barrier(8);

        // Eight callers race for the first encode; the first one in holds it until all have arrived at it.
        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(20));
            return e.GetOrAddEncoded(Protobuf, _ =>
            {
                Interlocked.Increment(ref calls);
                release.Wait(TimeSpan.FromMilliseconds(200));
                return new byte[] { 1 };
            });
        })).ToArray();
        var results = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, calls);
        Assert.All(results, bytes => Assert.Same(results[0], bytes));
    }

    [Fact]
    public void Each_format_has_its_own_encoding()
    {
        var e = NewEvent();

        var binary = e.GetOrAddEncoded(Protobuf, static _ => new byte[] { 1 });
        var text = e.GetOrAddEncoded(Json, static _ => "{}");

        Assert.Equal([1], binary);
        Assert.Equal("{}", text);
        Assert.Same(binary, e.GetOrAddEncoded(Protobuf, static _ => new byte[] { 9 }));
    }

    [Fact]
    public async Task Concurrent_first_callers_all_get_the_one_stored_encoding()
    {
        var e = NewEvent();
        using var start = new Barrier(8);

        // Dedicated threads: a barrier on pool threads would wait for the pool to grow.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                return e.GetOrAddEncoded(Protobuf, static _ => new byte[16]);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)));

        Assert.All(results, r => Assert.Same(results[0], r));
    }
}
