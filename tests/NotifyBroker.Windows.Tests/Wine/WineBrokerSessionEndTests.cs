using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Windows.Tests.Wine;

/// <summary>
/// Ending the Wine session under a running broker: its own broker in the isolated prefix, because
/// `wineboot --end-session` ends every process of the prefix.
/// </summary>
[Trait("Category", "Wine")]
[Collection(IsolatedDesktopCollection.Name)]
public sealed class WineBrokerSessionEndTests
{
    private const uint WM_QUERYENDSESSION = 0x0011;
    private const uint WM_ENDSESSION = 0x0016;

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Ending_the_session_streams_WM_QUERYENDSESSION_and_WM_ENDSESSION_and_the_broker_ends_cleanly()
    {
        string prefix = WineEnvironment.IsolatedPrefix;
        var address = new Uri("http://127.0.0.1:" + FreePort().ToString(CultureInfo.InvariantCulture));
        await using WineProcess server = WineProcess.Start(prefix, WineEnvironment.ServerExe, "--urls", address.ToString().TrimEnd('/'));
        await server.WaitForLineAsync(line => line.Contains("NotifyBroker ready", StringComparison.Ordinal));
        using var broker = new BrokerConnection(address);
        await using var stream = await broker.SubscribeAsync(new SubscribeRequest { MessageIds = { WM_QUERYENDSESSION, WM_ENDSESSION } });

        Assert.Equal(0, await WineProcess.RunToolAsync(prefix, "wineboot", "--end-session"));

        WindowMessage query = await stream.NextWindowMessageAsync(WM_QUERYENDSESSION);
        Assert.True(query.EndSession.Query);
        WindowMessage ending = await stream.NextWindowMessageAsync(WM_ENDSESSION);
        Assert.False(ending.EndSession.Query);
        Assert.True(ending.EndSession.Ending);
        await server.WaitForExitAsync(WineProcess.DefaultWait);
        Assert.DoesNotContain("Unhandled exception", server.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("fault", server.Transcript, StringComparison.OrdinalIgnoreCase);
    }
}
