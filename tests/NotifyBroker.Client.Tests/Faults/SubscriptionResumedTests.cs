using Google.Protobuf.WellKnownTypes;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Client.Tests.Faults;

/// <summary>What an Open event says about a resume: recovered or not, and how many events were lost when the positions tell.</summary>
public sealed class SubscriptionResumedTests
{
    private static Position At(ulong offset, string epoch = "e1") => new() { Offset = offset, Epoch = epoch };

    private static Event OpenAt(Position head, bool recovered, Position? oldest = null) =>
        new() { Position = head, Open = new Open { Recovered = recovered, Oldest = oldest ?? head } };

    [Fact]
    public void A_live_start_is_no_resume()
    {
        Assert.Null(SubscriptionResumed.FromOpen(new SubscribeRequest(), OpenAt(At(7), recovered: false)));
    }

    [Fact]
    public void A_recovered_resume_lost_nothing()
    {
        var resumed = SubscriptionResumed.FromOpen(new SubscribeRequest { After = At(4) }, OpenAt(At(9), recovered: true))!;

        Assert.True(resumed.Recovered);
        Assert.Equal(0UL, resumed.LostEvents);
        Assert.False(resumed.HistoryRestarted);
        Assert.Equal("recovered=true: resumed after 4@e1 without a gap", resumed.Describe());
    }

    [Fact]
    public void Within_one_epoch_the_loss_is_every_position_between_the_resume_and_the_head()
    {
        // History holds 20..30 (or nothing at all): the stream goes live after 30, so 5..30 are skipped either way.
        var resumed = SubscriptionResumed.FromOpen(new SubscribeRequest { After = At(4) }, OpenAt(At(30), recovered: false, oldest: At(20)), isReconnect: true)!;

        Assert.False(resumed.Recovered);
        Assert.True(resumed.IsReconnect);
        Assert.Equal(26UL, resumed.LostEvents);
        Assert.Equal(0UL, resumed.LostSinceRestart);
        Assert.Equal("recovered=false: history no longer holds the events after 4@e1: 26 events lost (5..30, counted before this subscription's filters); live from 30@e1", resumed.Describe());
        Assert.Equal(1UL, SubscriptionResumed.FromOpen(new SubscribeRequest { After = At(29) }, OpenAt(At(30), recovered: false))!.LostEvents);
    }

    [Fact]
    public void After_a_restart_the_loss_cannot_be_known_and_the_new_historys_skipped_events_are_named()
    {
        var empty = SubscriptionResumed.FromOpen(new SubscribeRequest { After = At(42, "old") }, OpenAt(At(0, "new"), recovered: false))!;
        var busy = SubscriptionResumed.FromOpen(new SubscribeRequest { After = At(42, "old") }, OpenAt(At(3, "new"), recovered: false, oldest: At(1, "new")))!;

        Assert.True(empty.HistoryRestarted);
        Assert.Null(empty.LostEvents);
        Assert.Equal(0UL, empty.LostSinceRestart);
        Assert.Equal("recovered=false: the broker restarted (epoch old is gone, now new): how many events after 42@old were lost cannot be known; live from 0@new", empty.Describe());
        Assert.Null(busy.LostEvents);
        Assert.Equal(3UL, busy.LostSinceRestart);
        Assert.Contains("cannot be known, and the 3 events the restarted broker accepted before this stream opened are skipped too; live from 3@new", busy.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_position_beyond_the_head_of_the_same_epoch_leaves_the_loss_unknown()
    {
        var resumed = SubscriptionResumed.FromOpen(new SubscribeRequest { After = At(50) }, OpenAt(At(10), recovered: false))!;

        Assert.False(resumed.HistoryRestarted);
        Assert.Null(resumed.LostEvents);
        Assert.StartsWith("recovered=false: 50@e1 is beyond the newest event 10@e1", resumed.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_since_replay_history_no_longer_fully_holds_leaves_the_loss_unknown()
    {
        var since = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero));
        var resumed = SubscriptionResumed.FromOpen(new SubscribeRequest { Since = since }, OpenAt(At(30), recovered: false, oldest: At(20)))!;
        var complete = SubscriptionResumed.FromOpen(new SubscribeRequest { Since = since }, OpenAt(At(30), recovered: true, oldest: At(20)))!;

        Assert.Null(resumed.LostEvents);
        Assert.Equal("recovered=false: history no longer holds every event since 2026-01-31T12:00:00.000Z, so how many were lost cannot be known; replaying what it holds from 20@e1, then live", resumed.Describe());
        Assert.Equal(0UL, complete.LostEvents);
        Assert.Equal("recovered=true: replaying every event since 2026-01-31T12:00:00.000Z", complete.Describe());
    }
}
