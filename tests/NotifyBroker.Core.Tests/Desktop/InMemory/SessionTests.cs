using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Desktop.InMemory;
using NotifyBroker.Core.Errors;

namespace NotifyBroker.Core.Tests.Desktop.InMemory;

public class SessionTests
{
    private static SessionMessage To(string name, TimeSpan timeout = default) => new(name, "ops", "hello", "Title", 0, timeout);

    [Fact]
    public async Task Sessions_are_off_by_default()
    {
        var desktop = new InMemoryDesktop();
        desktop.AddSession(1, "alice");

        Assert.Equal(DesktopCapabilities.None, desktop.Capabilities);
        var error = await Assert.ThrowsAsync<BrokerException>(() => desktop.SendToSessionAsync(To("alice"), default).AsTask());
        Assert.Equal(Win32Error.ERROR_NOT_SUPPORTED, error.Code);
    }

    [Fact]
    public async Task A_session_is_reached_by_user_or_session_name_case_insensitively()
    {
        var desktop = new InMemoryDesktop(new InMemoryDesktopOptions { Capabilities = DesktopCapabilities.Sessions });
        var alice = desktop.AddSession(1, "alice", "Console", _ => 6 /* IDYES */);

        var byUser = await desktop.SendToSessionAsync(To("ALICE", TimeSpan.FromSeconds(5)), default);
        var bySession = await desktop.SendToSessionAsync(To("console"), default);

        Assert.Equal(new SessionSendOutcome(SessionSendPath.Session, 1, 6), byUser);
        Assert.Equal(new SessionSendOutcome(SessionSendPath.Session, 1, SimulatedSession.IDASYNC), bySession);
        Assert.Equal(2, alice.Received.Count);
    }

    [Fact]
    public async Task An_unknown_recipient_is_NERR_NameNotFound()
    {
        var desktop = new InMemoryDesktop(new InMemoryDesktopOptions { Capabilities = DesktopCapabilities.Messenger });
        desktop.AddSession(1, "alice");

        var error = await Assert.ThrowsAsync<BrokerException>(() => desktop.SendToSessionAsync(To("bob"), default).AsTask());
        Assert.Equal(Win32Error.NERR_NameNotFound, error.Code);
    }

    [Fact]
    public async Task A_star_reaches_every_session()
    {
        var desktop = new InMemoryDesktop(new InMemoryDesktopOptions { Capabilities = DesktopCapabilities.Messenger });
        desktop.AddSession(1, "alice");
        desktop.AddSession(2, "bob");

        var outcome = await desktop.SendToSessionAsync(To("*"), default);

        Assert.Equal(SessionSendPath.Messenger, outcome.Path);
        Assert.Equal(2, outcome.Recipients);
    }
}
