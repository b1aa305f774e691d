using Google.Protobuf;
using NotifyBroker.Grpc.Client;
using NotifyBroker.Interop.TestHost;
using NotifyBroker.Interop.Testing;

namespace NotifyBroker.Interop.Tests;

/// <summary>
/// Each test gets its own interop host (in-process, free port) and a channel to it through a <see cref="WireTap"/>,
/// so the server-side call statistics start at zero for every test.
/// </summary>
public abstract class InteropTestBase : IAsyncLifetime
{
    /// <summary>Guards against hangs only; no test asserts on how long anything takes.</summary>
    protected static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private InteropHost? _host;
    private GrpcChannel? _channel;
    private readonly WireTap _tap = new();

    protected InteropHost Host => _host ?? throw new InvalidOperationException("Not started.");

    protected GrpcChannel Channel => _channel ?? throw new InvalidOperationException("Not started.");

    internal WireTap Tap => _tap;

    public async Task InitializeAsync()
    {
        _host = await InteropHost.StartAsync(port: 0);
        _channel = GrpcChannel.ForAddress(_host.Address, new GrpcChannelOptions { HttpHandler = _tap });
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    protected static Payload Zeros(int size) => new() { Body = ByteString.CopyFrom(new byte[size]) };

    /// <summary>Call options that cancel the call if it hangs.</summary>
    protected static CallOptions Guarded(CallOptions options = default) =>
        options with { Deadline = options.Deadline ?? DateTime.UtcNow + HangGuard };

    /// <summary>The server's statistics, through CallInspector.</summary>
    protected async Task<CallStats> GetStatsAsync() =>
        await Channel.UnaryAsync(CallInspectorMethods.GetCallStats, new CallStatsRequest(), Guarded());

    /// <summary>
    /// Polls CallInspector until <paramref name="settled"/> holds (bounded by <see cref="HangGuard"/>) and returns
    /// the last statistics; the caller asserts on them, so a server that never settles fails the test.
    /// </summary>
    protected async Task<CallStats> WaitForStatsAsync(Func<CallStats, bool> settled)
    {
        var giveUp = DateTime.UtcNow + HangGuard;
        var stats = await GetStatsAsync();
        while (!settled(stats) && DateTime.UtcNow < giveUp)
        {
            await Task.Delay(20);
            stats = await GetStatsAsync();
        }

        return stats;
    }
}
