using NotifyBroker.Windows.Listener;

namespace NotifyBroker.Windows.Tests.Unit;

public sealed class PendingBroadcastsTests
{
    private readonly ManualTime _time = new();
    private readonly PendingBroadcasts _pending;

    public PendingBroadcastsTests()
    {
        _pending = new PendingBroadcasts(_time, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void An_in_flight_broadcast_is_recognised_once_with_its_flags_and_correlation()
    {
        var correlation = new object();
        using var registration = _pending.Register(0xC001, 7, 9, 0x10, correlation, deliveredAfterReturn: false);

        Assert.True(_pending.TryMatch(0xC001, 7, 9, out uint flags, out object? matched));
        Assert.Equal(0x10u, flags);
        Assert.Same(correlation, matched);
        Assert.False(_pending.TryMatch(0xC001, 7, 9, out _, out _));
    }

    [Theory]
    [InlineData(0xC002u, 7ul, 9)]
    [InlineData(0xC001u, 8ul, 9)]
    [InlineData(0xC001u, 7ul, 10)]
    public void A_message_differing_in_any_of_id_wParam_lParam_is_not_ours(uint messageId, ulong wParam, long lParam)
    {
        using var registration = _pending.Register(0xC001, 7, 9, 0, null, deliveredAfterReturn: false);

        Assert.False(_pending.TryMatch(messageId, wParam, (nint)lParam, out _, out _));
    }

    [Fact]
    public void A_synchronous_broadcast_is_forgotten_when_its_call_returns()
    {
        _pending.Register(0xC001, 1, 2, 0, null, deliveredAfterReturn: false).Dispose();

        Assert.False(_pending.TryMatch(0xC001, 1, 2, out _, out _));
        Assert.Equal(0, _pending.Count);
    }

    [Fact]
    public void A_posted_broadcast_is_still_recognised_after_its_call_returns_until_its_lifetime_ends()
    {
        _pending.Register(0xC001, 1, 2, 0x10, null, deliveredAfterReturn: true).Dispose();
        _pending.Register(0xC001, 3, 4, 0x10, null, deliveredAfterReturn: true).Dispose();

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(_pending.TryMatch(0xC001, 1, 2, out _, out _));

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(_pending.TryMatch(0xC001, 3, 4, out _, out _));
        Assert.Equal(0, _pending.Count);
    }

    [Fact]
    public void Identical_broadcasts_match_in_order_one_each()
    {
        var first = new object();
        var second = new object();
        using var a = _pending.Register(0xC001, 1, 2, 0, first, deliveredAfterReturn: false);
        using var b = _pending.Register(0xC001, 1, 2, 0, second, deliveredAfterReturn: false);

        Assert.True(_pending.TryMatch(0xC001, 1, 2, out _, out object? one));
        Assert.True(_pending.TryMatch(0xC001, 1, 2, out _, out object? two));
        Assert.Same(first, one);
        Assert.Same(second, two);
    }

    [Fact]
    public void A_posted_broadcast_of_ours_matches_only_a_posted_message()
    {
        // BSF_POSTMESSAGE: a real (sent) WM_ENDSESSION(TRUE, 0) must not be taken for it, even while it waits.
        _pending.Register(0x0016, 1, 0, 0x10, null, deliveredAfterReturn: true).Dispose();

        Assert.False(_pending.TryMatch(0x0016, 1, 0, arrivedPosted: false, out _, out _));
        Assert.True(_pending.TryMatch(0x0016, 1, 0, arrivedPosted: true, out uint flags, out _));
        Assert.Equal(0x10u, flags);
    }

    [Theory]
    [InlineData(0x1u)]
    [InlineData(0x100u)]
    public void A_sent_broadcast_of_ours_matches_only_a_sent_message(uint flags)
    {
        using var registration = _pending.Register(0x0011, 0, 0, flags, null, deliveredAfterReturn: flags != 0x1);

        Assert.False(_pending.TryMatch(0x0011, 0, 0, arrivedPosted: true, out _, out _));
        Assert.True(_pending.TryMatch(0x0011, 0, 0, arrivedPosted: false, out _, out _));
    }

    [Fact]
    public void Without_the_arrival_mode_any_arrival_matches()
    {
        using var registration = _pending.Register(0xC001, 1, 2, 0x10, null, deliveredAfterReturn: true);

        Assert.True(_pending.TryMatch(0xC001, 1, 2, arrivedPosted: null, out _, out _));
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
