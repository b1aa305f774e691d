using System.Globalization;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Server.Tests.TestSupport;

/// <summary>Checks that the broker still serves after bad input, through the generated client on its own connection.</summary>
internal static class BrokerAssert
{
    private static int _probes;

    /// <summary>
    /// A healthy ListAliases, then a Send to an alias a fresh Subscribe stream holds, which that stream receives:
    /// unary calls and streams both still work.
    /// </summary>
    public static async Task ServesAsync(BrokerTestHost host)
    {
        using var timeout = new CancellationTokenSource(Streams.Patience);
        using (var list = host.Grpc.ListAliasesAsync(new ListAliasesRequest(), cancellationToken: timeout.Token))
        {
            Assert.NotNull(await list.ResponseAsync);
        }

        var alias = "probe-" + Interlocked.Increment(ref _probes).ToString(CultureInfo.InvariantCulture);
        using var stream = Streams.Subscribe(host.Grpc, new SubscribeRequest { HoldAliases = { alias } }, timeout.Token);
        await stream.OpenAsync();
        using (var send = host.Grpc.SendAsync(new SendRequest { MsgName = alias, Text = "still serving" }, cancellationToken: timeout.Token))
        {
            Assert.Equal(1u, (await send.ResponseAsync).Recipients);
        }

        var received = await stream.NextMessageAsync();
        Assert.Equal("still serving", received.AliasMessage.Text);
    }

    /// <summary>How many streams hold <paramref name="alias"/> (0 when it is not listed at all).</summary>
    public static async Task<uint> HoldersAsync(BrokerTestHost host, string alias)
    {
        using var timeout = new CancellationTokenSource(Streams.Patience);
        using var list = host.Grpc.ListAliasesAsync(new ListAliasesRequest(), cancellationToken: timeout.Token);
        var reply = await list.ResponseAsync;
        return reply.Aliases.FirstOrDefault(a => string.Equals(a.Name, alias, StringComparison.OrdinalIgnoreCase))?.Holders ?? 0;
    }

    /// <summary>
    /// Polls ListAliases until <paramref name="alias"/> has <paramref name="expected"/> holders or the hang guard runs
    /// out, and returns the last count seen (the caller asserts it): the server ends a stream asynchronously.
    /// </summary>
    public static async Task<uint> WaitForHoldersAsync(BrokerTestHost host, string alias, uint expected)
    {
        using var guard = new CancellationTokenSource(Streams.Patience);
        while (true)
        {
            var holders = await HoldersAsync(host, alias);
            if (holders == expected || guard.IsCancellationRequested)
            {
                return holders;
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds or the hang guard runs out (then the caller's asserts fail).</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var guard = new CancellationTokenSource(Streams.Patience);
        while (!condition() && !guard.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }
    }
}
