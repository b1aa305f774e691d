using Google.Protobuf.WellKnownTypes;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Windows.Tests.Wine;

/// <summary>
/// The Win32 desktop's timeouts on real (Wine 8.0) user32: a synchronous broadcast to a hung legacy window answers
/// DEADLINE_EXCEEDED at the broker's bound and the call finishes behind the reply on its dedicated thread; a hung call
/// holds one of a bounded set of threads, so past the bound the next call is refused; waits above their documented
/// maxima are refused outright. Wine's BroadcastSystemMessageExW waits 2,000 ms on a hung window under BSF_QUERY
/// (SendMessageTimeoutW with a fixed timeout), which is what holds the call after its caller has its answer.
/// </summary>
/// <remarks>
/// The broker here is the test class's own, in the isolated prefix, with one broadcast thread and no queue
/// (<c>--Desktop:Windows:BroadcastThreads=1 --Desktop:Windows:MaxWaitingCalls=0</c>), so the bound is reached with one
/// hung call. The tests assert statuses, never elapsed time.
/// </remarks>
[Trait("Category", "Wine")]
[Collection(IsolatedDesktopCollection.Name)]
public sealed class Win32TimeoutTests : IClassFixture<Win32TimeoutTests.OwnBroker>
{
    private const uint BSF_QUERY = 0x1;
    private const uint BSF_POSTMESSAGE = 0x10;
    private const uint BSM_APPLICATIONS = 0x8;
    private const int ERROR_INVALID_PARAMETER = 87;
    private const int ERROR_TIMEOUT = 1460;
    private const int ERROR_NOT_ENOUGH_QUOTA = 1816;

    private readonly OwnBroker _own;

    public Win32TimeoutTests(OwnBroker own)
    {
        _own = own;
    }

    private BrokerConnection Broker => _own.Connection;

    private static string Prefix => WineEnvironment.IsolatedPrefix;

    private static string UniqueName() => "NotifyBroker.Test." + Guid.NewGuid().ToString("N");

    /// <summary>A synchronous broadcast whose bound is 1 ms per window addressed: far below Wine's 2,000 ms on a hung one.</summary>
    private static BroadcastRequest QueryWithTinyTimeout(string name) => new()
    {
        RegisteredName = name,
        Flags = BSF_QUERY,
        Recipients = BSM_APPLICATIONS,
        Wparam = 41,
        Timeout = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(1)),
    };

    private static BroadcastRequest Posted(string name, ulong wParam) =>
        new() { RegisteredName = name, Flags = BSF_POSTMESSAGE, Recipients = BSM_APPLICATIONS, Wparam = wParam };

    private static async Task<WineProcess> StartHungListenerAsync(string name)
    {
        WineProcess listener = WineProcess.Start(Prefix, WineEnvironment.Helper, "listen", name, "--hang");
        await listener.WaitForLineStartingAsync("READY ");
        return listener;
    }

    /// <summary>
    /// Lets the hung window go and waits (bounded) until the broker's broadcast thread is back: a posted broadcast then
    /// goes through and reaches a subscriber. Until Wine's call returns, the broker refuses with RESOURCE_EXHAUSTED.
    /// </summary>
    private async Task ReleaseAndExpectTheThreadBackAsync(WineProcess hung)
    {
        await hung.SendAsync("release");
        await hung.WaitForLineStartingAsync("RELEASED ");

        string name = UniqueName();
        await using var stream = await Broker.SubscribeAsync(new SubscribeRequest { RegisteredNames = { name } });
        using var guard = new CancellationTokenSource(WineProcess.DefaultWait);
        BroadcastReply? reply = null;
        while (reply is null)
        {
            try
            {
                reply = await Broker.BroadcastAsync(Posted(name, 7));
            }
            catch (BrokerCallFailure busy) when (busy.StatusCode == "ResourceExhausted" && !guard.IsCancellationRequested)
            {
                await Task.Delay(100);
            }
        }

        Assert.True(reply.Result > 0);
        Assert.Equal(7ul, (await stream.NextWindowMessageAsync(reply.MessageId)).Wparam);
    }

    [Fact]
    public async Task A_synchronous_broadcast_to_a_hung_window_is_DEADLINE_EXCEEDED_and_the_call_finishes_behind_the_reply()
    {
        string name = UniqueName();
        await using WineProcess hung = await StartHungListenerAsync(name);

        var failure = await Assert.ThrowsAsync<BrokerCallFailure>(() => Broker.BroadcastAsync(QueryWithTinyTimeout(name)));

        Assert.Equal("DeadlineExceeded", failure.StatusCode);
        Assert.Equal(ERROR_TIMEOUT, failure.Win32Code);
        Assert.Equal("ERROR_TIMEOUT", failure.SymbolicName);

        // The call went on without its caller: it reaches the hung window (if it had not already), which is still in it.
        Assert.Contains("wparam=41 ", await hung.WaitForLineStartingAsync("GOT "), StringComparison.Ordinal);
        await ReleaseAndExpectTheThreadBackAsync(hung);
    }

    [Fact]
    public async Task While_a_hung_call_holds_the_only_broadcast_thread_the_next_broadcast_is_RESOURCE_EXHAUSTED()
    {
        string name = UniqueName();
        await using WineProcess hung = await StartHungListenerAsync(name);

        // The first caller has its answer at once; Wine's call keeps the thread until the hung window times out.
        var first = await Assert.ThrowsAsync<BrokerCallFailure>(() => Broker.BroadcastAsync(QueryWithTinyTimeout(name)));
        Assert.Equal("DeadlineExceeded", first.StatusCode);

        var refused = await Assert.ThrowsAsync<BrokerCallFailure>(() => Broker.BroadcastAsync(Posted(UniqueName(), 1)));

        Assert.Equal("ResourceExhausted", refused.StatusCode);
        Assert.Equal(ERROR_NOT_ENOUGH_QUOTA, refused.Win32Code);
        Assert.Contains("Desktop:Windows:BroadcastThreads", refused.Message, StringComparison.Ordinal);
        await ReleaseAndExpectTheThreadBackAsync(hung);
    }

    [Fact]
    public async Task Waits_above_their_documented_maxima_are_INVALID_ARGUMENT_before_anything_blocks()
    {
        var broadcast = await Assert.ThrowsAsync<BrokerCallFailure>(() => Broker.BroadcastAsync(new BroadcastRequest
        {
            RegisteredName = UniqueName(),
            Flags = BSF_QUERY,
            Recipients = BSM_APPLICATIONS,
            Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(61)),
        }));
        var send = await Assert.ThrowsAsync<BrokerCallFailure>(() => Broker.SendAsync(new SendRequest
        {
            MsgName = Environment.UserName,
            Text = "wait for me",
            Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(601)),
        }));

        Assert.Equal(("InvalidArgument", ERROR_INVALID_PARAMETER), (broadcast.StatusCode, broadcast.Win32Code));
        Assert.Equal(("InvalidArgument", ERROR_INVALID_PARAMETER), (send.StatusCode, send.Win32Code));

        // At the maxima themselves both are accepted (the Send then meets Wine's missing WTSSendMessageW).
        BroadcastRequest longest = Posted(UniqueName(), 2);
        longest.Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(60));
        Assert.True((await Broker.BroadcastAsync(longest)).Result > 0);
        var unsupported = await Assert.ThrowsAsync<BrokerCallFailure>(() => Broker.SendAsync(new SendRequest
        {
            MsgName = Environment.UserName,
            Text = "wait for me",
            Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(600)),
        }));
        Assert.Equal("Unimplemented", unsupported.StatusCode);
    }

    /// <summary>The class's broker in the isolated prefix, with one broadcast thread and no queue; ends with the prefix's wineserver.</summary>
    public sealed class OwnBroker : IAsyncLifetime
    {
        private IsolatedWineBroker? _broker;

        internal BrokerConnection Connection => _broker!.Connection;

        public async Task InitializeAsync() =>
            _broker = await IsolatedWineBroker.StartAsync("--Desktop:Windows:BroadcastThreads=1", "--Desktop:Windows:MaxWaitingCalls=0");

        public async Task DisposeAsync()
        {
            if (_broker is not null)
            {
                await _broker.DisposeAsync();
            }
        }
    }
}
