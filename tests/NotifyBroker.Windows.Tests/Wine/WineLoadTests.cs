using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Windows.Tests.Wine;

/// <summary>
/// One Wine-hosted broker process under sustained load (issue 10, finding 6): 20,000 mixed RPCs with several in flight
/// (Broadcast, Send to a held alias and to a name nobody holds, AddAlias/DeleteAlias, ListAliases, Subscribe opened
/// and closed), while a subscriber with no filter hears every event and checks that each broadcast arrives once and
/// that the offsets it sees are consecutive.
/// </summary>
/// <remarks>
/// Under Wine 8 the .NET runtime's W^X double mapping ends the process with "Fatal error. Internal CLR error.
/// (0x80131506)" a few hundred RPCs in, when a dynamic method is collected (see tests/Wine/run-suite.sh);
/// the suite's win-x64 publishes turn it off. The broker is the test's own, in the isolated prefix, so its window hears
/// only these broadcasts and its death shows here with its own output.
/// </remarks>
[Trait("Category", "Wine")]
[Collection(IsolatedDesktopCollection.Name)]
public sealed class WineLoadTests
{
    private const int TotalRpcs = 20_000;
    private const int InFlight = 8;
    private const int Checkpoints = 4;
    private const uint BSF_POSTMESSAGE = 0x10;
    private const uint BSM_APPLICATIONS = 0x8;
    private const int ERROR_NOT_SUPPORTED = 50;

    private static string Prefix => WineEnvironment.IsolatedPrefix;

    private enum Kind
    {
        Broadcast,
        SendHeld,
        SendNobody,
        AliasAddDelete,
        ListAliases,
        SubscribeOpenClose,
    }

    /// <summary>
    /// The mix, by the RPC number's remainder modulo 20: 35 % Broadcast, 20 % Send to the held alias, 5 % Send to a name
    /// nobody holds, 2 × 10 % AddAlias+DeleteAlias (two RPCs each), 15 % ListAliases, 5 % Subscribe opened and closed.
    /// </summary>
    private static Kind KindOf(int slot) => (slot % 20) switch
    {
        < 7 => Kind.Broadcast,
        < 11 => Kind.SendHeld,
        11 => Kind.SendNobody,
        < 14 => Kind.AliasAddDelete,
        < 18 => Kind.ListAliases,
        _ => Kind.SubscribeOpenClose,
    };

    [Fact]
    public async Task One_broker_serves_20000_mixed_RPCs_with_8_in_flight_and_its_subscriber_hears_every_broadcast_with_consecutive_offsets()
    {
        await using IsolatedWineBroker broker = await IsolatedWineBroker.StartAsync();
        string id = Guid.NewGuid().ToString("N")[..12];
        string loadName = "NotifyBroker.Load." + id;
        string heldAlias = "nbload" + id;

        // The hearer: no filter, so it gets every event history accepts, and the offsets of those are consecutive.
        await using BrokerConnection.EventStream hearerStream = await broker.Connection.SubscribeAsync(new SubscribeRequest());
        // The holder: holds the alias the Sends go to (a held alias is also its filter).
        await using BrokerConnection.EventStream holderStream = await broker.Connection.SubscribeAsync(new SubscribeRequest { HoldAliases = { heldAlias } });
        var hearer = new Hearer(hearerStream, loadName, heldAlias, everyEvent: true);
        var holder = new Hearer(holderStream, loadName, heldAlias, everyEvent: false);
        Task hearing = hearer.RunAsync();
        Task holding = holder.RunAsync();

        var load = new Load(broker, loadName, heldAlias, hearer);
        Stopwatch clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(_ => Task.Run(load.WorkAsync)));
        TimeSpan elapsed = clock.Elapsed;

        // A failed RPC stops the load at once; say what failed, after how many, and how the broker is.
        Assert.True(load.Failure is null, load.Failure + "\n" + broker.Describe());
        Assert.Equal(TotalRpcs, load.Completed);

        // Every broadcast that returned is heard, once, and so is every Send to the held alias (by both streams).
        await hearer.WaitForAsync(load.Broadcasts.Count, load.HeldSends.Count);
        await holder.WaitForAsync(0, load.HeldSends.Count);
        hearer.Stop();
        holder.Stop();
        await hearerStream.DisposeAsync();
        await holderStream.DisposeAsync();
        await Task.WhenAll(hearing, holding);
        Assert.True(hearer.Failure is null, "The hearer: " + hearer.Failure);
        Assert.True(holder.Failure is null, "The holder: " + holder.Failure);
        Assert.Equal(load.Broadcasts.Order(), hearer.Broadcasts.Order());
        Assert.Equal(load.HeldSends.Order(), hearer.AliasTexts.Order());
        Assert.Equal(load.HeldSends.Order(), holder.AliasTexts.Order());

        // Heard throughout, not at the end: at every quarter of the run the hearer had heard more broadcasts than before.
        int[] heardAt = load.HeardAtCheckpoints;
        Assert.True(heardAt.Zip(heardAt.Skip(1)).All(pair => pair.Second > pair.First) && heardAt[0] > 0,
            $"Broadcasts heard at each quarter of the run: {string.Join(", ", heardAt)}");

        // Still up and serving, and it never reported a fatal error.
        Assert.False(broker.Server.HasExited, broker.Describe());
        Assert.Equal("Serving", await broker.Connection.HealthAsync());
        Assert.DoesNotContain("Fatal error", broker.Server.Errors, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromMinutes(5), $"{TotalRpcs} RPCs took {elapsed}.");
    }

    /// <summary>The RPCs: workers take RPC numbers in order until <see cref="TotalRpcs"/>, and stop at the first failure.</summary>
    private sealed class Load(IsolatedWineBroker broker, string loadName, string heldAlias, Hearer hearer)
    {
        private readonly BrokerConnection _connection = broker.Connection;
        private int _next = -1;
        private int _completed;
        private volatile string? _failure;

        public ConcurrentBag<ulong> Broadcasts { get; } = new();

        public ConcurrentBag<string> HeldSends { get; } = new();

        public int[] HeardAtCheckpoints { get; } = new int[Checkpoints];

        public int Completed => Volatile.Read(ref _completed);

        public string? Failure => _failure;

        public async Task WorkAsync()
        {
            while (_failure is null)
            {
                // An AddAlias+DeleteAlias pair takes two RPC numbers; when only one is left, the last RPC is a ListAliases.
                int slot = Interlocked.Increment(ref _next);
                if (slot >= TotalRpcs)
                {
                    return;
                }

                Kind kind = KindOf(slot);
                if (kind == Kind.AliasAddDelete && Interlocked.Increment(ref _next) >= TotalRpcs)
                {
                    kind = Kind.ListAliases;
                }

                try
                {
                    await RunAsync(kind, slot);
                }
                catch (Exception e)
                {
                    _failure ??= $"RPC #{slot} ({kind}) failed after {Completed} of {TotalRpcs} RPCs had completed: {e.GetType().Name}: {e.Message}";
                    return;
                }
            }
        }

        private async Task RunAsync(Kind kind, int slot)
        {
            switch (kind)
            {
                case Kind.Broadcast:
                    ulong wParam = (ulong)slot;
                    BroadcastReply reply = await _connection.BroadcastAsync(new BroadcastRequest
                    {
                        RegisteredName = loadName,
                        Flags = BSF_POSTMESSAGE,
                        Recipients = BSM_APPLICATIONS,
                        Wparam = wParam,
                        Lparam = slot,
                    });
                    Check(reply.Result > 0, $"Broadcast #{slot} answered result {reply.Result}.");
                    Broadcasts.Add(wParam);
                    Count(1);
                    break;

                case Kind.SendHeld:
                    string text = "load " + slot.ToString(CultureInfo.InvariantCulture);
                    SendReply sent = await _connection.SendAsync(new SendRequest { MsgName = heldAlias, Text = text, FromName = "WineLoadTests" });
                    Check(sent.Path == SendPath.Alias && sent.Recipients >= 1, $"Send #{slot} to the held alias answered {sent}.");
                    HeldSends.Add(text);
                    Count(1);
                    break;

                case Kind.SendNobody:
                    // Nobody holds this name; Wine has neither Messenger nor WTS message boxes, so the desktop says so.
                    var refused = await Assert.ThrowsAsync<BrokerCallFailure>(() =>
                        _connection.SendAsync(new SendRequest { MsgName = "NotifyBroker.Load.Nobody", Text = "unheard" }));
                    Check(refused.StatusCode == "Unimplemented" && refused.Win32Code == ERROR_NOT_SUPPORTED,
                        $"Send #{slot} to a name nobody holds answered {refused.StatusCode} ({refused.Win32Code}): {refused.Message}");
                    Count(1);
                    break;

                case Kind.AliasAddDelete:
                    string alias = "nbload" + slot.ToString(CultureInfo.InvariantCulture) + "x" + heldAlias[6..];
                    await _connection.AddAliasAsync(alias);
                    Count(1);
                    await _connection.DeleteAliasAsync(alias);
                    Count(1);
                    break;

                case Kind.ListAliases:
                    IReadOnlyList<AliasInfo> aliases = await _connection.ListAliasesAsync();
                    Check(aliases.Any(a => string.Equals(a.Name, heldAlias, StringComparison.OrdinalIgnoreCase) && a.Holders >= 1),
                        $"ListAliases #{slot} does not show the held alias {heldAlias}: {string.Join(", ", aliases.Select(a => a.Name))}");
                    Count(1);
                    break;

                case Kind.SubscribeOpenClose:
                    // Opened (its Open event arrived), then closed by the client; it filters on a name nobody broadcasts.
                    await using (await _connection.SubscribeAsync(new SubscribeRequest { RegisteredNames = { loadName + ".Churn" } }))
                    {
                    }

                    Count(1);
                    break;
            }
        }

        private static void Check(bool condition, string message)
        {
            if (!condition)
            {
                throw new InvalidOperationException(message);
            }
        }

        private void Count(int rpcs)
        {
            int before = Interlocked.Add(ref _completed, rpcs) - rpcs;
            int after = before + rpcs;
            for (int checkpoint = 0; checkpoint < Checkpoints; checkpoint++)
            {
                int at = (checkpoint + 1) * TotalRpcs / Checkpoints;
                if (before < at && at <= after)
                {
                    HeardAtCheckpoints[checkpoint] = hearer.BroadcastCount;
                }
            }
        }
    }

    /// <summary>
    /// Reads a stream until it ends or is disposed: the load's broadcasts (by wParam) and its Sends (by text), and, on a
    /// stream with no filter (<paramref name="everyEvent"/>), that each event's offset follows the one before in the same
    /// epoch.
    /// </summary>
    private sealed class Hearer(BrokerConnection.EventStream stream, string loadName, string heldAlias, bool everyEvent)
    {
        private readonly ConcurrentQueue<ulong> _broadcasts = new();
        private readonly ConcurrentQueue<string> _aliasTexts = new();
        private volatile string? _failure;
        private volatile bool _stopping;

        public IEnumerable<ulong> Broadcasts => _broadcasts;

        public IEnumerable<string> AliasTexts => _aliasTexts;

        public int BroadcastCount => _broadcasts.Count;

        public string? Failure => _failure;

        public async Task RunAsync()
        {
            Position? last = null;
            while (true)
            {
                Event e;
                try
                {
                    e = await stream.NextAsync(_ => true, TimeSpan.FromSeconds(120));
                }
                catch (Exception) when (_stopping)
                {
                    return; // the test is done with the stream and disposes it
                }
                catch (Exception end)
                {
                    _failure ??= $"the stream ended: {end.GetType().Name}: {end.Message}";
                    return;
                }

                if (everyEvent && e.KindCase is Event.KindOneofCase.WindowMessage or Event.KindOneofCase.AliasMessage && e.Position is { } position)
                {
                    if (last is not null && (position.Epoch != last.Epoch || position.Offset != last.Offset + 1))
                    {
                        _failure ??= $"offset {position.Offset} (epoch {position.Epoch}) followed {last.Offset} (epoch {last.Epoch}): events were lost or reordered";
                    }

                    last = position;
                }

                if (e.KindCase == Event.KindOneofCase.WindowMessage && e.WindowMessage.RegisteredName == loadName)
                {
                    _broadcasts.Enqueue(e.WindowMessage.Wparam);
                }
                else if (e.KindCase == Event.KindOneofCase.AliasMessage && string.Equals(e.AliasMessage.Alias, heldAlias, StringComparison.OrdinalIgnoreCase))
                {
                    _aliasTexts.Enqueue(e.AliasMessage.Text);
                }
            }
        }

        /// <summary>Whatever ends the stream from now on is the test disposing it.</summary>
        public void Stop() => _stopping = true;

        /// <summary>Waits (bounded) until at least this many broadcasts and alias messages have arrived.</summary>
        public async Task WaitForAsync(int broadcasts, int aliasMessages)
        {
            DateTime deadline = DateTime.UtcNow + WineProcess.DefaultWait;
            while ((_broadcasts.Count < broadcasts || _aliasTexts.Count < aliasMessages) && _failure is null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
