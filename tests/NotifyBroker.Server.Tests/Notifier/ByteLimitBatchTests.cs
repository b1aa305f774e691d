using NotifyBroker.Server.Notifier;

namespace NotifyBroker.Server.Tests.Notifier;

/// <summary>
/// A stream's in-flight batch is bounded by bytes (Broker:MaxBatchBytes) as well as by count: what a stalled client
/// leaves in the response buffer is at most one batch, never a hundred large events. At least one event goes per
/// batch, however large, and no event is lost, duplicated or reordered at a batch's edge.
/// </summary>
public sealed class ByteLimitBatchTests
{
    [Fact]
    public async Task Batches_stop_at_MaxBatchBytes_and_every_event_arrives_once_in_order()
    {
        await using var harness = await ByteLimitPumpHarness.CreateAsync(o => o.MaxBatchBytes = 35_000);
        await harness.PublishAsync(bytes: 10_000, count: 20);

        harness.Start();

        var batches = harness.EventBatches();
        Assert.All(batches, batch => Assert.InRange(batch.Sum(static b => b + SubscriptionPump.FrameHeaderBytes), 1, 35_000));
        Assert.Equal(20, batches.Sum(static b => b.Count));
        Assert.All(batches.SkipLast(1), batch => Assert.Equal(3, batch.Count)); // three of about 10 KB fit, a fourth would not
        Assert.Equal(7, batches.Count);

        // Nothing lost or repeated across the edges (the event that did not fit opens the next batch).
        Assert.Equal(Enumerable.Range(1, 20).Select(static i => (ulong)i), harness.WrittenOffsets());
        await harness.CancelCallAsync();
        Assert.Equal(0, harness.Lifetime.Aborts);
    }

    [Fact]
    public async Task An_event_larger_than_the_batch_bound_still_goes_alone()
    {
        await using var harness = await ByteLimitPumpHarness.CreateAsync(o => o.MaxBatchBytes = 1000);
        await harness.PublishAsync(bytes: 10_000, count: 4);

        harness.Start();

        var batches = harness.EventBatches();
        Assert.Equal(4, batches.Count);
        Assert.All(batches, batch => Assert.Single(batch));
        Assert.Equal([1ul, 2ul, 3ul, 4ul], harness.WrittenOffsets());
    }

    [Fact]
    public async Task Small_events_are_still_bounded_by_count()
    {
        await using var harness = await ByteLimitPumpHarness.CreateAsync(o => o.MaxBatchBytes = 64 * 1024 * 1024);
        await harness.PublishAsync(bytes: 10, count: 300);

        harness.Start();

        var batches = harness.EventBatches();
        Assert.Equal([SubscriptionPump.MaxBatch, SubscriptionPump.MaxBatch, 300 - (2 * SubscriptionPump.MaxBatch)], batches.Select(static b => b.Count));
    }

    [Fact]
    public async Task With_the_default_bound_a_stalled_stream_holds_about_one_MiB_of_1_MB_events_not_a_hundred()
    {
        await using var harness = await ByteLimitPumpHarness.CreateAsync();
        await harness.PublishAsync(bytes: 1_000_000, count: 50);
        harness.Body.PassFirst = 1; // the Open message's flush
        harness.Body.HoldFlushes = true; // then the client reads nothing: the first flush of events never completes

        harness.Start();

        // Stalled on its first batch: one event of about 1 MB (two would pass 1 MiB), not MaxBatch (128) of them.
        Assert.True(harness.Body.FlushPending);
        Assert.Equal([1ul], harness.WrittenOffsets());
        var written = Assert.Single(harness.EventBatches());
        Assert.InRange(written.Sum(), 1_000_000, harness.Options.MaxBatchBytes);
    }
}
