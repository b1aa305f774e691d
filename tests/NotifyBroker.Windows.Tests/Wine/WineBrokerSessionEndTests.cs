using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NotifyBroker.Contracts.V1;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Windows.Tests.Wine;

/// <summary>
/// Ending the Wine session under a running broker: its own broker in the isolated prefix, because
/// `wineboot --end-session` ends every process of the prefix.
/// </summary>
/// <remarks>
/// wineboot sends WM_QUERYENDSESSION, then WM_ENDSESSION(TRUE), and terminates the process as soon as the window
/// procedure returns from WM_ENDSESSION. The broker holds that message while its host stops in order, so the stream
/// ends with a status (not a reset, which would also make the client's HTTP/2 stack drop data it had received but not
/// yet handed over).
/// </remarks>
[Trait("Category", "Wine")]
[Collection(IsolatedDesktopCollection.Name)]
public sealed class WineBrokerSessionEndTests
{
    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Ending_the_session_streams_WM_QUERYENDSESSION_and_WM_ENDSESSION_then_the_broker_stops_in_order_and_exits()
    {
        string prefix = WineEnvironment.IsolatedPrefix;
        var address = new Uri("http://127.0.0.1:" + FreePort().ToString(CultureInfo.InvariantCulture));
        string adminKey = WineEnvironment.NewAdminKey();
        await using WineProcess server = WineProcess.Start(prefix, WineEnvironment.ServerExe, "--urls", address.ToString().TrimEnd('/'), "--Security:AdminKey=" + adminKey);
        await server.WaitForLineAsync(line => line.Contains("NotifyBroker ready", StringComparison.Ordinal));
        using var broker = new BrokerConnection(address, adminKey);
        await using var stream = await broker.SubscribeAsync(new SubscribeRequest { MessageIds = { WM_QUERYENDSESSION, WM_ENDSESSION } });
        // Read as a live subscriber does, while the session ends.
        Task<(IReadOnlyList<Event> Events, BrokerCallFailure? End)> reading = stream.ReadToEndAsync();

        Assert.Equal(0, await WineProcess.RunToolAsync(prefix, "wineboot", "--end-session"));
        (IReadOnlyList<Event> events, BrokerCallFailure? end) = await reading;

        string seen = string.Join(" | ", events);
        List<WindowMessage> messages = events.Where(e => e.KindCase == Event.KindOneofCase.WindowMessage).Select(e => e.WindowMessage).ToList();
        Assert.True(messages.Count == 2, $"Expected WM_QUERYENDSESSION and WM_ENDSESSION. Seen: {seen}");
        Assert.Equal(WM_QUERYENDSESSION, messages[0].Id);
        Assert.True(messages[0].EndSession.Query);
        Assert.Equal(WM_ENDSESSION, messages[1].Id);
        Assert.Equal(1ul, messages[1].Wparam);
        Assert.False(messages[1].EndSession.Query);
        Assert.True(messages[1].EndSession.Ending);

        // An orderly stop: UNAVAILABLE, BROKER_STOPPING, resuming right after the last event delivered.
        Assert.True(end is not null, $"The stream ended without a status. Seen: {seen}");
        Assert.True(end.StatusCode == "Unavailable" && end.SymbolicName == "BROKER_STOPPING", $"Ended with {end.StatusCode} {end.SymbolicName}: {end.Message}");
        Assert.Equal(events.Last(e => e.KindCase == Event.KindOneofCase.WindowMessage).Position, end.ResumeAfter);

        await server.WaitForExitAsync(WineProcess.DefaultWait);
        Assert.DoesNotContain("did not finish within", server.Transcript, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", server.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("fault", server.Transcript, StringComparison.OrdinalIgnoreCase);
    }
}
