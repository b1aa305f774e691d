using NotifyBroker.Client;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Cli.Tests.TestSupport;

/// <summary>An SDK subscription a test reads event by event, to see what the CLI's calls did at the broker.</summary>
public sealed class SdkTail : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly IAsyncEnumerator<Event> _events;

    private SdkTail(NotifierClient client, SubscribeRequest request)
    {
        _events = client.SubscribeAsync(request, new SubscriptionOptions { AutoResume = false }, _stop.Token).GetAsyncEnumerator(_stop.Token);
    }

    /// <summary>Subscribes and waits for the stream's Open, so that everything published afterwards reaches it.</summary>
    public static async Task<SdkTail> OpenAsync(NotifierClient client, SubscribeRequest request)
    {
        var tail = new SdkTail(client, request);
        var first = await tail.NextAsync();
        Assert.Equal(Event.KindOneofCase.Open, first.KindCase);
        return tail;
    }

    /// <summary>The next window or alias message (keepalives skipped).</summary>
    public async Task<Event> NextMessageAsync()
    {
        while (true)
        {
            var next = await NextAsync();
            if (next.KindCase is Event.KindOneofCase.WindowMessage or Event.KindOneofCase.AliasMessage)
            {
                return next;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _events.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
            // Cancelling is how this subscription ends.
        }

        _stop.Dispose();
    }

    private async Task<Event> NextAsync()
    {
        var more = await _events.MoveNextAsync().AsTask().WaitAsync(LineRecorder.Patience);
        Assert.True(more, "The subscription ended early.");
        return _events.Current;
    }
}
