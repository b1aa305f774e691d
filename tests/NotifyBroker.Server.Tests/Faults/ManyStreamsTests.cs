using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Tests.TestSupport;
using NotifyBroker.Tests.Shared;
using Xunit.Abstractions;

namespace NotifyBroker.Server.Tests.Faults;

/// <summary>
/// 5,000 open Subscribe streams over 5 HTTP/2 connections (1,000 each, Kestrel's per-connection stream limit raised
/// past that so a unary call still fits beside them): health on a fresh connection and a unary call on a loaded
/// connection are served, also while a broadcast is being written to all of them, and that broadcast reaches a sample
/// of the streams spread over every connection. The health latency is measured and printed, never asserted (timing
/// depends on the machine).
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class ManyStreamsTests(ITestOutputHelper log)
{
    private const int Connections = 5;
    private const int StreamsPerConnection = 1_000;
    private const int SampleEvery = 50;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task With_5000_streams_over_5_connections_health_and_a_unary_call_are_served_and_a_broadcast_reaches_them()
    {
        var counter = new SubscribeCallCounter();
        await using var host = await BrokerTestHost.StartAsync(counter.AddTo, "Kestrel:Limits:Http2:MaxStreamsPerConnection=1010");
        using var timeout = new CancellationTokenSource(Patience);
        var idleHealth = await MeasureHealthAsync(host.Address, timeout.Token);

        var connects = new int[Connections];
        var channels = Enumerable.Range(0, Connections).Select(i => LoadedChannel(host.Address, () => Interlocked.Increment(ref connects[i]))).ToArray();
        var calls = new List<AsyncServerStreamingCall<Event>>(Connections * StreamsPerConnection);
        try
        {
            var opening = Stopwatch.StartNew();
            var grpc = channels.Select(static c => new Contracts.V1.Notifier.NotifierClient(c)).ToArray();
            var opens = new List<Task<bool>>(Connections * StreamsPerConnection);
            for (var i = 0; i < StreamsPerConnection; i++)
            {
                for (var c = 0; c < Connections; c++)
                {
                    var call = grpc[c].Subscribe(new SubscribeRequest(), cancellationToken: timeout.Token);
                    calls.Add(call);
                    opens.Add(call.ResponseStream.MoveNext(timeout.Token));
                }
            }

            // Every stream has its Open: the broker holds 5,000 subscriptions, on exactly 5 connections.
            Assert.All(await Task.WhenAll(opens), Assert.True);
            Assert.All(calls, call => Assert.Equal(Event.KindOneofCase.Open, call.ResponseStream.Current.KindCase));
            Assert.Equal(Connections * StreamsPerConnection, counter.Running);
            Assert.All(connects, count => Assert.Equal(1, count));
            log.WriteLine($"opened {calls.Count} streams over {Connections} connections in {opening.ElapsedMilliseconds} ms");

            // Health on a fresh connection (anonymous, as a probe calls it), several times.
            var loadedHealth = await MeasureHealthAsync(host.Address, timeout.Token);

            // A unary call on a connection that carries 1,000 streams.
            var unary = Stopwatch.StartNew();
            var aliases = await grpc[0].ListAliasesAsync(new ListAliasesRequest(), cancellationToken: timeout.Token);
            unary.Stop();
            Assert.NotNull(aliases);

            // A broadcast reaches a sample of the streams on every connection (the others keep it in their buffers).
            // Health is asked again while the broker writes the broadcast to all 5,000.
            var broadcast = Stopwatch.StartNew();
            var reply = await host.Client.BroadcastAsync(new BroadcastRequest { RegisteredName = "NotifyBroker.Faults.ManyStreams", Flags = 0x10 }, timeout.Token);
            var fanOutHealth = MeasureHealthAsync(host.Address, timeout.Token);
            var sample = calls.Where((_, i) => i % SampleEvery == 0).ToList();
            var received = await Task.WhenAll(sample.Select(call => NextWindowMessageAsync(call, timeout.Token)));
            broadcast.Stop();
            var duringFanOut = await fanOutHealth;
            Assert.All(received, message =>
            {
                Assert.Equal(reply.MessageId, message.Id);
                Assert.Equal("NotifyBroker.Faults.ManyStreams", message.RegisteredName);
            });

            log.WriteLine($"health Check on a fresh connection, idle broker:   {idleHealth}");
            log.WriteLine($"health Check on a fresh connection, 5,000 streams: {loadedHealth}");
            log.WriteLine($"health Check on a fresh connection, during the broadcast's fan-out: {duringFanOut}");
            log.WriteLine($"ListAliases on a connection with 1,000 streams: {unary.Elapsed.TotalMilliseconds:F1} ms");
            log.WriteLine($"broadcast until {sample.Count} sampled streams (every {SampleEvery}th) had it: {broadcast.Elapsed.TotalMilliseconds:F1} ms");
        }
        finally
        {
            foreach (var call in calls)
            {
                call.Dispose();
            }

            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    /// <summary>
    /// A first Check on a new channel (its connection set up), then 20 more on it: "first X ms; then p50 Y ms, max Z ms".
    /// Each must say SERVING.
    /// </summary>
    private static async Task<string> MeasureHealthAsync(string address, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(address);
        var health = new Health.HealthClient(channel);
        var times = new List<double>();
        for (var i = 0; i < 21; i++)
        {
            var watch = Stopwatch.StartNew();
            var reply = await health.CheckAsync(new HealthCheckRequest(), cancellationToken: cancellationToken);
            times.Add(watch.Elapsed.TotalMilliseconds);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
        }

        var rest = times.Skip(1).Order().ToList();
        return string.Create(CultureInfo.InvariantCulture, $"first {times[0]:F1} ms (with its connection); then p50 {rest[rest.Count / 2]:F2} ms, max {rest[^1]:F2} ms");
    }

    /// <summary>An authenticated channel on one HTTP/2 connection of its own (<paramref name="connected"/> counts its connects).</summary>
    private static GrpcChannel LoadedChannel(string address, Action connected)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                connected();
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var bearer = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", "Bearer " + InProcessBrokerHost.AdminKey);
            return Task.CompletedTask;
        });
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, bearer),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
    }

    private static async Task<WindowMessage> NextWindowMessageAsync(AsyncServerStreamingCall<Event> call, CancellationToken cancellationToken)
    {
        while (true)
        {
            Assert.True(await call.ResponseStream.MoveNext(cancellationToken), "A stream ended.");
            if (call.ResponseStream.Current.KindCase == Event.KindOneofCase.WindowMessage)
            {
                return call.ResponseStream.Current.WindowMessage;
            }
        }
    }
}
