using NotifyBroker.Client;
using NotifyBroker.Contracts.V1;
using Grpc.Core;

namespace NotifyBroker.Server.Tests.TestSupport;

/// <summary>Reading Subscribe streams with bounded waits (they only guard against hangs; nothing is timed).</summary>
internal static class Streams
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static AsyncServerStreamingCall<Event> Subscribe(Contracts.V1.Notifier.NotifierClient client, SubscribeRequest request, CancellationToken cancellationToken = default) =>
        client.Subscribe(request, cancellationToken: cancellationToken);

    /// <summary>The next event; fails the test if the stream ends or nothing comes in time.</summary>
    public static async Task<Event> NextAsync(this AsyncServerStreamingCall<Event> call)
    {
        using var timeout = new CancellationTokenSource(Patience);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "The stream ended early.");
        return call.ResponseStream.Current;
    }

    /// <summary>The stream's Open event (its first).</summary>
    public static async Task<Open> OpenAsync(this AsyncServerStreamingCall<Event> call)
    {
        var first = await call.NextAsync();
        Assert.Equal(Event.KindOneofCase.Open, first.KindCase);
        return first.Open;
    }

    /// <summary>The next event that is not a keepalive.</summary>
    public static async Task<Event> NextMessageAsync(this AsyncServerStreamingCall<Event> call)
    {
        while (true)
        {
            var next = await call.NextAsync();
            if (next.KindCase != Event.KindOneofCase.Keepalive)
            {
                return next;
            }
        }
    }

    /// <summary>Reads until the stream fails, returning the events read and the failure.</summary>
    public static async Task<(List<Event> Events, NotifyException Failure)> ReadUntilFailureAsync(this AsyncServerStreamingCall<Event> call)
    {
        var events = new List<Event>();
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            while (await call.ResponseStream.MoveNext(timeout.Token))
            {
                events.Add(call.ResponseStream.Current);
            }
        }
        catch (RpcException error)
        {
            return (events, new NotifyException(error));
        }

        Assert.Fail("The stream ended with OK instead of failing.");
        throw new InvalidOperationException();
    }

    /// <summary>Runs <paramref name="call"/> and returns the NotifyException it throws.</summary>
    public static Task<NotifyException> FailureOf(Func<Task> call) => Assert.ThrowsAsync<NotifyException>(call);
}
