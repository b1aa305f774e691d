using System.Globalization;
using Grpc.Health.V1;
using Grpc.Net.Client;
using NotifyBroker.Client;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Redis.Tests.TestSupport;

/// <summary>What the Redis tests send and read: numbered alias messages ("m0", "m1", …) to the alias "feed".</summary>
internal static class Feed
{
    public const string Alias = "feed";

    /// <summary>A guard against hangs only.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static string Text(int i) => "m" + i.ToString(CultureInfo.InvariantCulture);

    public static int Number(Event e) => int.Parse(e.AliasMessage.Text.AsSpan(1), CultureInfo.InvariantCulture);

    /// <summary>The next event that is not a keepalive.</summary>
    public static async Task<Event> NextAsync(IAsyncEnumerator<Event> events)
    {
        while (true)
        {
            if (!await events.MoveNextAsync())
            {
                throw new InvalidOperationException("The subscription ended.");
            }

            if (events.Current.KindCase != Event.KindOneofCase.Keepalive)
            {
                return events.Current;
            }
        }
    }

    /// <summary>The next alias message.</summary>
    public static async Task<Event> NextMessageAsync(IAsyncEnumerator<Event> events)
    {
        while (true)
        {
            var next = await NextAsync(events);
            if (next.KindCase == Event.KindOneofCase.AliasMessage)
            {
                return next;
            }
        }
    }

    /// <summary>Alias messages until (and including) the one numbered <paramref name="last"/>.</summary>
    public static async Task<List<Event>> ReadThroughAsync(IAsyncEnumerator<Event> events, int last)
    {
        var seen = new List<Event>();
        while (seen.Count == 0 || Number(seen[^1]) < last)
        {
            seen.Add(await NextMessageAsync(events));
        }

        return seen;
    }

    /// <summary>Sends m<paramref name="from"/> … m<paramref name="to"/> - 1, one after another; their replies.</summary>
    public static async Task<List<SendReply>> SendAsync(NotifierClient client, int from, int to, CancellationToken cancellationToken)
    {
        var replies = new List<SendReply>();
        for (var i = from; i < to; i++)
        {
            replies.Add(await client.SendAsync(Alias, Text(i), cancellationToken: cancellationToken));
        }

        return replies;
    }

    /// <summary>The gRPC health of the server as a whole ("").</summary>
    public static async Task<HealthCheckResponse.Types.ServingStatus> HealthAsync(string address, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(address);
        var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: cancellationToken);
        return reply.Status;
    }

    /// <summary>Polls health until it is <paramref name="status"/> (bounded by the token only).</summary>
    public static async Task WaitForHealthAsync(string address, HealthCheckResponse.Types.ServingStatus status, CancellationToken cancellationToken)
    {
        while (await HealthAsync(address, cancellationToken) != status)
        {
            await Task.Delay(50, cancellationToken);
        }
    }
}
