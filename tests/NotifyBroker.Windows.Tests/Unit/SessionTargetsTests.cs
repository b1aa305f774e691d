using NotifyBroker.Windows.Sessions;

namespace NotifyBroker.Windows.Tests.Unit;

public sealed class SessionTargetsTests
{
    private static readonly SessionEntry[] Sessions =
    [
        new(0, "Services", null, 4),
        new(1, "Console", "alice", 0),
        new(2, "RDP-Tcp#3", "Bob", 0),
        new(3, "RDP-Tcp#4", "bob", 4),
        new(65536, "RDP-Tcp", null, 6),
    ];

    [Fact]
    public void A_user_name_addresses_all_of_that_users_sessions_case_insensitively()
    {
        Assert.Equal(new uint[] { 2, 3 }, SessionTargets.Select(Sessions, "BOB"));
    }

    [Fact]
    public void A_window_station_name_addresses_its_session()
    {
        Assert.Equal(new uint[] { 1 }, SessionTargets.Select(Sessions, "console"));
    }

    [Fact]
    public void A_listener_station_is_never_a_target()
    {
        Assert.Empty(SessionTargets.Select(Sessions, "RDP-Tcp"));
    }

    [Fact]
    public void An_unknown_name_addresses_nothing()
    {
        Assert.Empty(SessionTargets.Select(Sessions, "carol"));
    }

    [Fact]
    public void A_zero_timeout_means_do_not_wait()
    {
        Assert.Equal((0u, false), SessionTargets.WaitFor(TimeSpan.Zero));
    }

    [Fact]
    public void A_timeout_is_rounded_up_to_whole_seconds_and_waits()
    {
        Assert.Equal((2u, true), SessionTargets.WaitFor(TimeSpan.FromMilliseconds(1500)));
        Assert.Equal((30u, true), SessionTargets.WaitFor(TimeSpan.FromSeconds(30)));
    }
}
