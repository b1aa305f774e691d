using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NotifyBroker.Windows.Tests.Wine;

/// <summary>
/// A broker of a test's own in the isolated Wine prefix, with a fresh admin key and its connection. Disposing it kills
/// the broker and the prefix's wineserver, so the next test gets a fresh one (and no window of ours left behind,
/// whatever the test's broadcasts did to Wine's own windows).
/// </summary>
internal sealed class IsolatedWineBroker : IAsyncDisposable
{
    private static string Prefix => WineEnvironment.IsolatedPrefix;

    private IsolatedWineBroker(WineProcess server, BrokerConnection connection)
    {
        Server = server;
        Connection = connection;
    }

    public WineProcess Server { get; }

    public BrokerConnection Connection { get; }

    /// <param name="settings">More command-line settings, e.g. "--Broker:Policy:AllowAlwaysRefused:0=WM_CLOSE".</param>
    public static async Task<IsolatedWineBroker> StartAsync(params string[] settings)
    {
        var address = new Uri("http://127.0.0.1:" + FreePort().ToString(CultureInfo.InvariantCulture));
        string adminKey = WineEnvironment.NewAdminKey();
        string[] arguments = ["--urls", address.ToString().TrimEnd('/'), "--Security:AdminKey=" + adminKey, .. settings];
        WineProcess server = WineProcess.Start(Prefix, WineEnvironment.ServerExe, arguments);
        try
        {
            await server.WaitForLineAsync(line => line.Contains("NotifyBroker ready", StringComparison.Ordinal), TimeSpan.FromSeconds(180));
        }
        catch
        {
            await StopAsync(server);
            throw;
        }

        return new IsolatedWineBroker(server, new BrokerConnection(address, adminKey));
    }

    /// <summary>Whether the broker still runs, and the end of what it wrote to stderr (where a runtime's fatal error goes).</summary>
    public string Describe()
    {
        string errors = Server.Errors;
        string tail = errors.Length <= 4000 ? errors : "..." + errors[^4000..];
        return (Server.HasExited ? $"The broker exited with code {Server.ExitCode}." : "The broker is still running.") + "\nIts stderr:\n" + tail;
    }

    public async ValueTask DisposeAsync()
    {
        Connection.Dispose();
        await StopAsync(Server);
    }

    private static async Task StopAsync(WineProcess server)
    {
        server.Kill();
        await server.DisposeAsync();
        await WineProcess.RunToolAsync(Prefix, "wineserver", "-k");
        await WineProcess.RunToolAsync(Prefix, "wineserver", "-w");
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
