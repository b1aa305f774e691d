using System.Runtime.CompilerServices;
using NotifyBroker.Client.Subscriptions;
using NotifyBroker.Contracts.V1;
using Grpc.Core;
using GeneratedClient = NotifyBroker.Contracts.V1.Notifier.NotifierClient;

namespace NotifyBroker.Client;

/// <summary>
/// The events of a subscription (see <see cref="NotifierClient.SubscribeAsync(SubscribeRequest, CancellationToken)"/>)
/// and where it stands: <see cref="ResumeAfter"/> is the position a new subscription resumes after to continue
/// exactly after what was yielded, e.g. when the caller's own process restarts. Enumerate it once at a time; each
/// enumeration starts again from the original request.
/// </summary>
public sealed class NotifierSubscription : IAsyncEnumerable<Event>
{
    private readonly GeneratedClient _client;
    private readonly SubscribeRequest _request;
    private readonly SubscriptionOptions _options;
    private readonly CancellationToken _cancellationToken;
    private ResumePoint _resume;
    private SubscriptionResumed? _lastResume;
    private int _enumerating;

    internal NotifierSubscription(GeneratedClient client, SubscribeRequest request, SubscriptionOptions options, CancellationToken cancellationToken)
    {
        _client = client;
        _request = request;
        _options = options;
        _cancellationToken = cancellationToken;
        _resume = new ResumePoint(request);
    }

    /// <summary>
    /// The position after which a subscription with the same filters continues without gap or duplicate, given every
    /// event yielded so far (the one just yielded included): the last message's or keepalive's position, or the head
    /// of history where a stream went live. Null while the original start still applies (a live or <c>since</c>
    /// start before any positioned event). The enumeration itself resumes after it on reconnect. A copy.
    /// </summary>
    public Position? ResumeAfter => _resume.After?.Clone();

    /// <summary>
    /// The request that opened the stream the latest event came from: the original one, or, after a reconnect, the
    /// original resuming after <see cref="ResumeAfter"/> as it stood then. Its start tells what an Open event's
    /// <c>Recovered</c> refers to. A copy.
    /// </summary>
    public SubscribeRequest StreamRequest => _resume.Attempt.Clone();

    /// <summary>
    /// What the latest stream that asked to resume said about the gap (see <see cref="SubscriptionResumed"/>): set when
    /// its Open event is yielded, after a reconnect or for a request that starts with <c>after</c> or <c>since</c>;
    /// null before any. After a broker restart it says <c>recovered=false</c> and that how many events were lost cannot
    /// be known.
    /// </summary>
    public SubscriptionResumed? LastResume => Volatile.Read(ref _lastResume);

    /// <inheritdoc/>
    public IAsyncEnumerator<Event> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        ResumingSubscribeAsync(_cancellationToken).GetAsyncEnumerator(cancellationToken);

    private async IAsyncEnumerable<Event> ResumingSubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _enumerating, 1) != 0)
        {
            throw new InvalidOperationException("This subscription is already being enumerated; call SubscribeAsync again for a second stream.");
        }

        try
        {
            var resume = _resume = new ResumePoint(_request);
            Volatile.Write(ref _lastResume, null);
            var failedAttempts = 0;
            var streams = 0;
            while (true)
            {
                var attempt = resume.NextRequest();
                var isReconnect = streams++ > 0;
                NotifyException failure;
                using (var call = _client.Subscribe(attempt, new CallOptions(cancellationToken: cancellationToken)))
                {
                    var stream = call.ResponseStream;
                    while (true)
                    {
                        bool more;
                        try
                        {
                            more = await stream.MoveNext(cancellationToken).ConfigureAwait(false);
                        }
                        catch (RpcException error) when (cancellationToken.IsCancellationRequested)
                        {
                            throw new OperationCanceledException("The subscription was cancelled.", error, cancellationToken);
                        }
                        catch (RpcException error)
                        {
                            failure = new NotifyException(error);
                            break;
                        }

                        if (!more)
                        {
                            // The server ended the stream with OK: there is nothing to resume.
                            yield break;
                        }

                        var streamEvent = stream.Current;
                        if (streamEvent.KindCase == Event.KindOneofCase.Open)
                        {
                            failedAttempts = 0;
                            if (SubscriptionResumed.FromOpen(attempt, streamEvent, isReconnect) is { } resumed)
                            {
                                Volatile.Write(ref _lastResume, resumed);
                                _options.OnResumed?.Invoke(resumed);
                            }
                        }

                        resume.Observe(streamEvent);
                        yield return streamEvent;
                    }
                }

                failedAttempts++;
                if (!_options.AutoResume || !ResumableFailures.IsResumable(failure) ||
                    (_options.MaxReconnectAttempts is { } max && failedAttempts > max))
                {
                    throw failure;
                }

                var delay = ReconnectBackoff.Delay(failedAttempts, _options);
                _options.OnReconnecting?.Invoke(new SubscriptionReconnect(failedAttempts, delay, failure, resume.After?.Clone()));
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _enumerating, 0);
        }
    }
}
