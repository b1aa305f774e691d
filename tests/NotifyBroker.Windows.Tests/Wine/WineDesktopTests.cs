using System.Globalization;

namespace NotifyBroker.Windows.Tests.Wine;

/// <summary>
/// The Win32 desktop itself under Wine 8.0, hosted by `Win32Helper desktop` (no gRPC host in between) and exercised
/// by `Win32Helper` legacy-app processes under the same wineserver.
/// </summary>
[Trait("Category", "Wine")]
[Collection(IsolatedDesktopCollection.Name)]
public sealed class WineDesktopTests
{
    private static string Prefix => WineEnvironment.IsolatedPrefix;

    private static string Helper => WineEnvironment.Helper;

    private static bool IsResult(string line) => line.StartsWith("RESULT ", StringComparison.Ordinal);

    private static bool IsEventFor(string line, string name) =>
        line.StartsWith("EVENT ", StringComparison.Ordinal) && line.Contains($" name={name} ", StringComparison.Ordinal);

    private static string UniqueName() => "NotifyBroker.Test." + Guid.NewGuid().ToString("N");

    private static async Task<WineProcess> StartDesktopAsync()
    {
        WineProcess desktop = WineProcess.Start(Prefix, Helper, "desktop");
        await desktop.WaitForLineStartingAsync("READY ");
        return desktop;
    }

    private static async Task<WineProcess> StartLegacyListenerAsync(string name, bool deny = false)
    {
        WineProcess listener = deny ? WineProcess.Start(Prefix, Helper, "listen", name, "--deny") : WineProcess.Start(Prefix, Helper, "listen", name);
        await listener.WaitForLineStartingAsync("READY ");
        return listener;
    }

    [Fact]
    public async Task The_desktop_reports_Wine_with_no_Messenger_and_the_session_path_it_tries()
    {
        await using WineProcess desktop = WineProcess.Start(Prefix, Helper, "desktop");

        string ready = await desktop.WaitForLineStartingAsync("READY ");

        // Sessions: the core asks the desktop (which answers ERROR_NOT_SUPPORTED, see below) instead of saying NOT_FOUND.
        Assert.Equal("READY host=Wine-8.0 capabilities=Sessions", ready);
    }

    [Fact]
    public async Task Its_own_posted_broadcast_comes_back_through_the_listener_marked_as_its_own()
    {
        string name = UniqueName();
        await using WineProcess desktop = await StartDesktopAsync();

        await desktop.SendAsync($"broadcast 0x10 8 name:{name} 7 9");

        string[] lines = await desktop.WaitForAllAsync(IsResult, line => IsEventFor(line, name));
        Assert.StartsWith("RESULT result=1 ", lines[0]);
        Assert.Contains("wparam=7 lparam=9 own=1 flags=0x10 ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broadcast_by_a_legacy_program_reaches_the_listener_as_a_desktop_message()
    {
        string name = UniqueName();
        await using WineProcess desktop = await StartDesktopAsync();

        string sent = await WineProcess.RunAsync(Prefix, Helper, "broadcast", name, "31", "32");

        Assert.Contains("RESULT result=1 error=0 ", sent, StringComparison.Ordinal);
        string received = await desktop.WaitForLineAsync(line => IsEventFor(line, name));
        Assert.Contains("wparam=31 lparam=32 own=0 ", received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broadcast_reaches_a_legacy_programs_hidden_window()
    {
        string name = UniqueName();
        await using WineProcess desktop = await StartDesktopAsync();
        await using WineProcess legacy = await StartLegacyListenerAsync(name);

        await desktop.SendAsync($"broadcast 0x10 8 name:{name} 41 42");

        Assert.StartsWith("RESULT result=1 ", await desktop.WaitForLineStartingAsync("RESULT "));
        Assert.Contains("wparam=41 lparam=42 ", await legacy.WaitForLineStartingAsync("GOT "), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_BSF_QUERY_vetoed_by_a_legacy_window_is_reported_as_denied()
    {
        string name = UniqueName();
        await using WineProcess desktop = await StartDesktopAsync();
        await using WineProcess legacy = await StartLegacyListenerAsync(name, deny: true);

        await desktop.SendAsync($"broadcast 0x1 8 name:{name} 23 24");

        string result = await desktop.WaitForLineStartingAsync("RESULT ");
        Assert.StartsWith("RESULT result=0 ", result);
        // Wine never fills BSMINFO, so the denier stays unnamed there.
        Assert.EndsWith("denier=-", result);
        // The legacy window got it as a synchronous send (ISMEX_SEND) and vetoed it.
        Assert.Contains("wparam=23 lparam=24 ismex=1", await legacy.WaitForLineStartingAsync("GOT "), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_BSF_QUERY_nobody_vetoes_succeeds_and_reaches_both_windows()
    {
        string name = UniqueName();
        await using WineProcess desktop = await StartDesktopAsync();
        await using WineProcess legacy = await StartLegacyListenerAsync(name);

        await desktop.SendAsync($"broadcast 0x1 8 name:{name} 25 26");

        string[] lines = await desktop.WaitForAllAsync(IsResult, line => IsEventFor(line, name));
        Assert.StartsWith("RESULT result=1 ", lines[0]);
        Assert.Contains("own=1 flags=0x1 ", lines[1], StringComparison.Ordinal);
        Assert.Contains("wparam=25 lparam=26 ismex=1", await legacy.WaitForLineStartingAsync("GOT "), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BSF_IGNORECURRENTTASK_skips_the_brokers_own_window_but_not_a_legacy_one()
    {
        string name = UniqueName();
        await using WineProcess desktop = await StartDesktopAsync();
        await using WineProcess legacy = await StartLegacyListenerAsync(name);

        await desktop.SendAsync($"broadcast 0x12 8 name:{name} 1 0");
        Assert.StartsWith("RESULT result=1 ", await desktop.WaitForLineStartingAsync("RESULT "));
        Assert.Contains("wparam=1 ", await legacy.WaitForLineStartingAsync("GOT "), StringComparison.Ordinal);

        // A second, ordinary broadcast is a marker: posted messages arrive in order, so if the first had reached the
        // broker's window it would be seen before this one.
        await desktop.SendAsync($"broadcast 0x10 8 name:{name} 2 0");
        string first = await desktop.WaitForLineAsync(line => IsEventFor(line, name));
        Assert.Contains("wparam=2 ", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WM_COPYDATA_from_a_legacy_program_reaches_the_sink_with_its_exact_bytes()
    {
        await using WineProcess desktop = await StartDesktopAsync();
        byte[] bytes = [0x00, 0xFF, 0x10, 0xAB, 0x0D, 0x0A, 0x7F];
        string hex = Convert.ToHexString(bytes);

        string sent = await WineProcess.RunAsync(Prefix, Helper, "copydata", hex, "77");

        Assert.Contains("SENT sent=1 answer=1 ", sent, StringComparison.Ordinal);
        string received = await desktop.WaitForLineAsync(line => line.StartsWith("EVENT msg=0x004A ", StringComparison.Ordinal));
        Assert.EndsWith($"payload=copydata:77:{hex}", received);
    }

    [Fact]
    public async Task Unknown_flag_bits_are_refused_by_the_system_with_ERROR_INVALID_PARAMETER()
    {
        await using WineProcess desktop = await StartDesktopAsync();

        await desktop.SendAsync($"broadcast 0x810 8 name:{UniqueName()} 1 1");

        Assert.StartsWith("ERROR code=87 name=ERROR_INVALID_PARAMETER ", await desktop.WaitForLineStartingAsync("ERROR "));
    }

    [Fact]
    public async Task A_settings_string_crosses_processes_because_it_is_sent_synchronously()
    {
        await using WineProcess desktop = await StartDesktopAsync();
        await using WineProcess legacy = await StartLegacyListenerAsync(UniqueName());
        string area = "NotifyBrokerProbe" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

        await desktop.SendAsync($"settingchange 0x0 {area}");

        Assert.StartsWith("RESULT result=1 ", await desktop.WaitForLineStartingAsync("RESULT "));
        Assert.Equal($"SETTINGCHANGE wparam=0 area={area}", await legacy.WaitForLineStartingAsync("SETTINGCHANGE "));
    }

    [Fact]
    public async Task A_settings_string_on_an_asynchronous_path_fails_instead_of_being_dropped()
    {
        await using WineProcess desktop = await StartDesktopAsync();

        await desktop.SendAsync("settingchange 0x10 Environment");

        Assert.StartsWith("ERROR code=1159 name=ERROR_MESSAGE_SYNC_ONLY ", await desktop.WaitForLineStartingAsync("ERROR "));
    }

    [Fact]
    public async Task Send_fails_clearly_with_ERROR_NOT_SUPPORTED_and_the_desktop_stays_up()
    {
        string name = UniqueName();
        await using WineProcess desktop = await StartDesktopAsync();

        // "root"-or-whoever: the broker's own user reaches WTSSendMessageW (Wine's stub); any other name has no session.
        await desktop.SendAsync($"send {Environment.UserName} hello from the test");
        string ownUser = await desktop.WaitForLineAsync(line => line.StartsWith("ERROR ", StringComparison.Ordinal) || line.StartsWith("SENT ", StringComparison.Ordinal));
        await desktop.SendAsync("send nobody-here hello");
        string stranger = await desktop.WaitForLineAsync(line => line.StartsWith("ERROR ", StringComparison.Ordinal) || line.StartsWith("SENT ", StringComparison.Ordinal));

        Assert.StartsWith("ERROR code=50 name=ERROR_NOT_SUPPORTED message=This host has no Messenger service and WTSSendMessage is not implemented under Wine", ownUser);
        Assert.Contains("WTSSendMessageW to the broker's own session returned FALSE", ownUser, StringComparison.Ordinal);
        Assert.StartsWith("ERROR code=50 name=ERROR_NOT_SUPPORTED message=This host has no Messenger service", stranger);
        Assert.Contains("'nobody-here'", stranger, StringComparison.Ordinal);
        await desktop.SendAsync($"broadcast 0x10 8 name:{name} 5 5");
        Assert.StartsWith("RESULT result=1 ", await desktop.WaitForLineStartingAsync("RESULT "));
    }

    [Fact]
    public async Task A_registered_message_id_names_its_message()
    {
        string name = UniqueName();
        await using WineProcess desktop = await StartDesktopAsync();
        await desktop.SendAsync($"broadcast 0x10 8 name:{name} 0 0");
        string result = await desktop.WaitForLineStartingAsync("RESULT ");
        string id = result.Split(' ').Single(word => word.StartsWith("msg=", StringComparison.Ordinal))[4..];

        await desktop.SendAsync($"name {id}");

        Assert.Equal($"NAME {name}", await desktop.WaitForLineStartingAsync("NAME "));
    }

    [Fact]
    public async Task Stopping_destroys_the_window_and_ends_the_pump_thread()
    {
        await using WineProcess desktop = await StartDesktopAsync();

        await desktop.SendAsync("quit");

        await desktop.WaitForLineAsync(line => line == "STOPPED");
        Assert.Equal(0, await desktop.WaitForExitAsync(WineProcess.DefaultWait));
        Assert.DoesNotContain("fault", desktop.Transcript, StringComparison.OrdinalIgnoreCase);
        // Once stopped, the class's window is gone: a publisher finds nothing.
        Assert.Contains("NOTFOUND", await WineProcess.RunAsync(Prefix, Helper, "copydata", "00", "1"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ending_the_session_delivers_WM_QUERYENDSESSION_then_WM_ENDSESSION_and_the_process_ends_without_a_fault()
    {
        await using WineProcess desktop = await StartDesktopAsync();

        Assert.Equal(0, await WineProcess.RunToolAsync(Prefix, "wineboot", "--end-session"));

        Assert.StartsWith("EVENT msg=0x0011 ", await desktop.WaitForLineStartingAsync("EVENT "));
        Assert.StartsWith("EVENT msg=0x0016 name=- wparam=1 ", await desktop.WaitForLineStartingAsync("EVENT "));
        await desktop.WaitForExitAsync(WineProcess.DefaultWait);
        Assert.DoesNotContain("fault", desktop.Transcript, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Unhandled", desktop.Errors, StringComparison.Ordinal);
    }
}
