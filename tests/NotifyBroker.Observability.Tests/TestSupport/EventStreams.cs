using Grpc.Core;
using Grpc.Net.Client;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Observability.Tests.TestSupport;

/// <summary>Subscribe streams read with bounded waits (a guard against hangs; nothing is timed).</summary>
internal static class EventStreams
{
    public static AsyncServerStreamingCall<Event> Subscribe(Notifier.NotifierClient client, SubscribeRequest request) =>
        client.Subscribe(request);

    /// <summary>An untraced Subscribe over <paramref name="channel"/>, as a plain generated client makes it.</summary>
    public static AsyncServerStreamingCall<Event> Subscribe(GrpcChannel channel, SubscribeRequest request) =>
        new Notifier.NotifierClient(channel).Subscribe(request);

    /// <summary>The next event that is not a keepalive; fails the test if the stream ends or nothing comes.</summary>
    public static async Task<Event> NextAsync(this AsyncServerStreamingCall<Event> call)
    {
        using var timeout = new CancellationTokenSource(TestPatience.Timeout);
        while (true)
        {
            Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "The stream ended early.");
            if (call.ResponseStream.Current.KindCase != Event.KindOneofCase.Keepalive)
            {
                return call.ResponseStream.Current;
            }
        }
    }

    /// <summary>Reads the Open event that starts every stream.</summary>
    public static async Task OpenAsync(this AsyncServerStreamingCall<Event> call) =>
        Assert.Equal(Event.KindOneofCase.Open, (await call.NextAsync()).KindCase);
}
