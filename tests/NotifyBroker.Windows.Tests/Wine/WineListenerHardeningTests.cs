using System.Globalization;
using NotifyBroker.Contracts.V1;
using static NotifyBroker.Core.Desktop.BroadcastFlags;
using static NotifyBroker.Core.Desktop.BroadcastRecipients;
using static NotifyBroker.Core.Desktop.WindowMessages;

namespace NotifyBroker.Windows.Tests.Wine;

/// <summary>
/// The listener window cannot be silenced (issue 9, items 5 and 11), on Wine 8.0's real user32: each test runs its own
/// broker in the isolated prefix, tries what once stopped the broker or its listener, then checks that the broker is
/// still healthy and still hears broadcasts, or, where the listener really is gone, that it says so.
/// </summary>
/// <remarks>
/// Broadcasting WM_QUIT or WM_DESTROY reaches every top-level window of the prefix, Wine's own included, so each test
/// ends by stopping the prefix's wineserver: the next test starts from a fresh one.
/// </remarks>
[Trait("Category", "Wine")]
[Collection(IsolatedDesktopCollection.Name)]
public sealed class WineListenerHardeningTests
{
    private const uint SC_CLOSE = 0xF060;
    private const uint WM_USER_1 = WM_USER + 1; // the listener's old private close message

    /// <summary>What once ended the broker or its listener when broadcast through it, with the wParam it was tried with.</summary>
    private static readonly (string Name, uint Id, ulong WParam)[] Silencers =
    [
        ("WM_ENDSESSION", WM_ENDSESSION, 1),
        ("WM_QUERYENDSESSION", WM_QUERYENDSESSION, 0),
        ("WM_QUIT", WM_QUIT, 0),
        ("WM_DESTROY", WM_DESTROY, 0),
        ("WM_CLOSE", WM_CLOSE, 0),
        ("0x401", WM_USER_1, 0),
    ];

    /// <summary>Both delivery modes: a synchronous send (flags 0, made with BSF_QUERY) and a post.</summary>
    private static readonly uint[] Modes = [0, BSF_POSTMESSAGE];

    private static string Prefix => WineEnvironment.IsolatedPrefix;

    [Fact]
    public async Task With_the_default_policy_broadcasting_session_end_quit_destroy_close_or_0x401_is_refused_and_the_broker_still_hears()
    {
        await using IsolatedWineBroker broker = await IsolatedWineBroker.StartAsync();

        List<string> outcomes = await BroadcastSilencersAsync(broker);

        // Alive first (this holds whether or not the policy refused them), then refused.
        await AssertStillHearsAsync(broker);
        Assert.Equal(Expected(": PermissionDenied"), outcomes);
    }

    [Fact]
    public async Task Allow_listed_by_the_operator_the_same_broadcasts_go_out_and_the_listener_survives_them()
    {
        await using IsolatedWineBroker broker = await IsolatedWineBroker.StartAsync(
            Silencers.Select((s, i) => $"--Broker:Policy:AllowAlwaysRefused:{i}={s.Name}").ToArray());
        await using var sessionEnds = await broker.Connection.SubscribeAsync(new SubscribeRequest { MessageIds = { WM_QUERYENDSESSION, WM_ENDSESSION } });

        List<string> outcomes = await BroadcastSilencersAsync(broker);

        Assert.Equal(Expected(": OK"), outcomes);
        await AssertStillHearsAsync(broker);

        // The broker's own session-end broadcasts (one of each per mode) are streamed as its own, and ended nothing.
        var received = new List<WindowMessage>();
        for (int i = 0; i < 2 * Modes.Length; i++)
        {
            received.Add((await sessionEnds.NextAsync(e => e.KindCase == Event.KindOneofCase.WindowMessage)).WindowMessage);
        }

        Assert.All(received, m => Assert.Equal(MessageSource.BroadcastRpc, m.Source));
        Assert.Equal(Modes.Length, received.Count(m => m.Id == WM_QUERYENDSESSION));
        Assert.Equal(Modes.Length, received.Count(m => m.Id == WM_ENDSESSION && m.Wparam == 1));

        Assert.DoesNotContain("NotifyBroker stopping", broker.Server.Transcript, StringComparison.Ordinal);
        Assert.Contains("came from the broker's own Broadcast: forwarded, not acted on", broker.Server.Transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_local_program_posting_or_sending_what_would_end_the_listener_does_not_silence_it()
    {
        await using IsolatedWineBroker broker = await IsolatedWineBroker.StartAsync();
        string[][] attempts =
        [
            ["post", Hex(WM_QUIT), "0", "0"],
            ["postthread", Hex(WM_QUIT), "0", "0"],
            ["post", Hex(WM_DESTROY), "0", "0"],
            ["send", Hex(WM_DESTROY), "0", "0"],
            ["post", Hex(WM_CLOSE), "0", "0"],
            ["send", Hex(WM_CLOSE), "0", "0"],
            ["send", Hex(WM_SYSCOMMAND), Hex(SC_CLOSE), "0"],
            ["post", Hex(WM_USER_1), "0", "0"],
            ["send", Hex(WM_USER_1), "0", "0"],
            ["send", Hex(WM_NCDESTROY), "0", "0"],
        ];

        foreach (string[] attempt in attempts)
        {
            string result = await WineProcess.RunAsync(Prefix, WineEnvironment.Stranger, attempt);
            Assert.True(result.Contains("posted=1", StringComparison.Ordinal) || result.Contains("sent=1", StringComparison.Ordinal),
                $"Stranger {string.Join(' ', attempt)} did not reach the listener: {result}");
        }

        // Knowing the control message's id (from the atom table) does not help either.
        // (Earlier listeners under the same wineserver may have left control atoms of their own: at least ours.)
        string control = await WineProcess.RunAsync(Prefix, WineEnvironment.Stranger, "control");
        System.Text.RegularExpressions.Match found = System.Text.RegularExpressions.Regex.Match(control, @"RESULT found=(\d+) delivered=(\d+) ids=0x[0-9A-F]{4}");
        Assert.True(found.Success, control);
        int count = int.Parse(found.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(count >= 1, control);
        Assert.Equal(6 * count, int.Parse(found.Groups[2].Value, CultureInfo.InvariantCulture));

        await AssertStillHearsAsync(broker);
        string transcript = broker.Server.Transcript;
        Assert.Contains("Ignored a WM_QUIT the broker did not post", transcript, StringComparison.Ordinal);
        Assert.Contains("Ignored a WM_DESTROY the broker's own DestroyWindow did not send", transcript, StringComparison.Ordinal);
        Assert.Contains("Ignored a WM_CLOSE", transcript, StringComparison.Ordinal);
        Assert.Contains("Ignored the control message", transcript, StringComparison.Ordinal);
        Assert.DoesNotContain("listener window is lost", transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listener_thread_terminated_from_outside_turns_health_NOT_SERVING_and_Broadcast_UNAVAILABLE()
    {
        await using IsolatedWineBroker broker = await IsolatedWineBroker.StartAsync();
        Assert.Equal("Serving", await broker.Connection.HealthAsync());

        string terminated = await WineProcess.RunAsync(Prefix, WineEnvironment.Stranger, "terminate");
        Assert.Contains("RESULT terminated=1 ", terminated, StringComparison.Ordinal);

        // The thread's handle is signalled when it dies; the desktop hears of it on the thread pool.
        string health = await PollAsync(() => broker.Connection.HealthAsync(), status => status == "NotServing");
        Assert.Equal("NotServing", health);
        Assert.Equal("NotServing", await broker.Connection.HealthAsync("notify.v1.Notifier"));

        var failure = await Assert.ThrowsAsync<BrokerCallFailure>(() => broker.Connection.BroadcastAsync(Probe(UniqueName())));
        Assert.Equal("Unavailable", failure.StatusCode);
        Assert.Equal(2284, failure.Win32Code);
        Assert.Equal("NERR_MsgNotStarted", failure.SymbolicName);

        // The rest of the broker still serves: an alias send reaches the stream that holds the alias.
        string alias = "nbwine" + Guid.NewGuid().ToString("N")[..8];
        await using var stream = await broker.Connection.SubscribeAsync(new SubscribeRequest { HoldAliases = { alias } });
        Assert.Equal(1u, (await broker.Connection.SendAsync(new SendRequest { MsgName = alias, Text = "still here" })).Recipients);
        Assert.Equal("still here", (await stream.NextAsync(e => e.KindCase == Event.KindOneofCase.AliasMessage)).AliasMessage.Text);
        Assert.False(broker.Server.HasExited);
        Assert.Contains("listener window is lost: its thread was terminated", broker.Server.Transcript, StringComparison.Ordinal);
    }

    private static List<string> Expected(string outcome) =>
        [.. Silencers.SelectMany(s => Modes.Select(mode => $"{s.Name} flags=0x{mode:X}{outcome}"))];

    /// <summary>Every silencer in every mode through the broker's Broadcast: "name flags=0x..: OK" or ": StatusName".</summary>
    private static async Task<List<string>> BroadcastSilencersAsync(IsolatedWineBroker broker)
    {
        var outcomes = new List<string>();
        foreach ((string name, uint id, ulong wParam) in Silencers)
        {
            foreach (uint mode in Modes)
            {
                string label = $"{name} flags=0x{mode:X}";
                try
                {
                    BroadcastReply reply = await broker.Connection.BroadcastAsync(new BroadcastRequest { MessageId = id, Wparam = wParam, Flags = mode, Recipients = BSM_APPLICATIONS });
                    outcomes.Add(reply.Result > 0 ? label + ": OK" : $"{label}: result {reply.Result}");
                }
                catch (BrokerCallFailure failure)
                {
                    outcomes.Add($"{label}: {failure.StatusCode}");
                }
            }
        }

        return outcomes;
    }

    /// <summary>
    /// Still running, SERVING, and still hearing: its own posted broadcast (queued behind anything posted before it,
    /// so it arrives only if the loop survived that) and a legacy program's broadcast both reach a subscriber.
    /// </summary>
    private static async Task AssertStillHearsAsync(IsolatedWineBroker broker)
    {
        Assert.False(broker.Server.HasExited, $"The broker exited.\nstdout:\n{broker.Server.Transcript}\nstderr:\n{broker.Server.Errors}");
        Assert.Equal("Serving", await broker.Connection.HealthAsync());

        string name = UniqueName();
        await using var stream = await broker.Connection.SubscribeAsync(new SubscribeRequest { RegisteredNames = { name } });
        BroadcastReply reply = await broker.Connection.BroadcastAsync(Probe(name));
        Assert.True(reply.Result > 0);
        WindowMessage own = await stream.NextWindowMessageAsync(reply.MessageId, wParam: 77);
        Assert.Equal(MessageSource.BroadcastRpc, own.Source);

        string sent = await WineProcess.RunAsync(Prefix, WineEnvironment.Helper, "broadcast", name, "78", "0");
        Assert.Contains("RESULT result=1 ", sent, StringComparison.Ordinal);
        WindowMessage legacy = await stream.NextWindowMessageAsync(reply.MessageId, wParam: 78);
        Assert.Equal(MessageSource.Desktop, legacy.Source);
        Assert.False(broker.Server.HasExited);
    }

    private static BroadcastRequest Probe(string name) =>
        new() { RegisteredName = name, Flags = BSF_POSTMESSAGE, Recipients = BSM_APPLICATIONS, Wparam = 77 };

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        DateTime deadline = DateTime.UtcNow + WineProcess.DefaultWait;
        while (true)
        {
            T value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }

    private static string UniqueName() => "NotifyBroker.Test." + Guid.NewGuid().ToString("N");

    private static string Hex(uint value) => "0x" + value.ToString("X", CultureInfo.InvariantCulture);
}
