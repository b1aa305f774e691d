using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Grpc.Net.Client;
using NotifyBroker.Client;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Windows.Tests.Wine;

/// <summary>
/// The one place the Wine tests speak gRPC: the broker under Wine, reached from Linux through the client SDK.
/// Every call carries "authorization: Bearer &lt;admin key&gt;" (the key the broker was started with, see
/// <see cref="WineEnvironment.AdminKey"/>). Failures surface as <see cref="BrokerCallFailure"/> so the tests depend on
/// status names, not on SDK types.
/// </summary>
internal sealed class BrokerConnection : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly NotifierClient _client;
    private readonly Health.HealthClient _health;

    /// <summary>To the long-running broker, with its admin key.</summary>
    public BrokerConnection(Uri address)
        : this(address, WineEnvironment.AdminKey)
    {
    }

    /// <summary>To a broker started with <c>--Security:AdminKey=<paramref name="adminKey"/></c>.</summary>
    public BrokerConnection(Uri address, string adminKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(adminKey);
        _channel = GrpcChannel.ForAddress(address);
        string authorization = "Bearer " + adminKey;
        // Metadata on every call (a channel of our own: the SDK adds nothing of its own to it). Plain metadata rather
        // than CallCredentials, which Grpc.Net.Client sends only over TLS.
        CallInvoker invoker = _channel.CreateCallInvoker().Intercept(metadata =>
        {
            metadata.Add("authorization", authorization);
            return metadata;
        });
        _client = new NotifierClient(invoker, new NotifierClientOptions
        {
            CallTimeout = TimeSpan.FromSeconds(60),
            // A test wants to see a stream end, not have it resumed behind its back.
            Subscriptions = new SubscriptionOptions { AutoResume = false },
        });
        // Health is anonymous; it gets the header all the same.
        _health = new Health.HealthClient(invoker);
    }

    /// <summary>grpc.health.v1 Check for the server as a whole (""), or a service; the status's name, e.g. "Serving".</summary>
    public async Task<string> HealthAsync(string service = "")
    {
        using var timeout = new CancellationTokenSource(WineProcess.DefaultWait);
        HealthCheckResponse reply = await _health.CheckAsync(new HealthCheckRequest { Service = service }, cancellationToken: timeout.Token);
        return reply.Status.ToString();
    }

    public Task<BroadcastReply> BroadcastAsync(BroadcastRequest request) => Translate(() => _client.BroadcastAsync(request));

    public Task<SendReply> SendAsync(SendRequest request) => Translate(() => _client.SendAsync(request));

    public Task<IReadOnlyList<AliasInfo>> ListAliasesAsync() => Translate(() => _client.ListAliasesAsync());

    public Task<AddAliasReply> AddAliasAsync(string name) => Translate(() => _client.AddAliasAsync(new AddAliasRequest { Name = name }));

    public Task<DeleteAliasReply> DeleteAliasAsync(string name) => Translate(() => _client.DeleteAliasAsync(new DeleteAliasRequest { Name = name }));

    /// <summary>Opens a stream and returns once its Open event arrived (the subscription exists from then on).</summary>
    public async Task<EventStream> SubscribeAsync(SubscribeRequest request)
    {
        var stream = new EventStream(_client.SubscribeAsync(request));
        await stream.NextAsync(e => e.KindCase == Event.KindOneofCase.Open);
        return stream;
    }

    public void Dispose()
    {
        _client.Dispose();
        _channel.Dispose();
    }

    private static async Task<T> Translate<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (NotifyException e)
        {
            throw new BrokerCallFailure(e.StatusCode.ToString(), e.Win32Code, e.SymbolicName, e.ResumeAfter, e.Message, e);
        }
    }

    /// <summary>
    /// A Subscribe stream read one event at a time, with bounded waits. One reader at a time; it may be disposed from
    /// another task while a read waits (the read then ends as cancelled, or with ObjectDisposedException).
    /// </summary>
    internal sealed class EventStream : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cancel = new();
        private readonly IAsyncEnumerator<Event> _events;
        private readonly List<Event> _seen = new();
        private readonly SemaphoreSlim _reading = new(1, 1);
        private bool _disposed;

        /// <summary>A read that outlived its wait: taken up by the next one (an async iterator allows one at a time).</summary>
        private Task<bool>? _pending;

        public EventStream(IAsyncEnumerable<Event> events)
        {
            _events = events.GetAsyncEnumerator(_cancel.Token);
        }

        /// <summary>The next event that matches, skipping others. Fails when the stream ends or nothing matches in time.</summary>
        public async Task<Event> NextAsync(Func<Event, bool> match, TimeSpan? timeout = null)
        {
            TimeSpan limit = timeout ?? WineProcess.DefaultWait;
            await _reading.WaitAsync();
            try
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                while (true)
                {
                    Task<bool> moved = _pending ??= _events.MoveNextAsync().AsTask();
                    using (var expiry = new CancellationTokenSource())
                    {
                        // The timer stops as soon as the event is there: a stream read thousands of times leaves none behind.
                        if (await Task.WhenAny(moved, Task.Delay(limit, expiry.Token)) != moved)
                        {
                            throw new TimeoutException($"No matching event within {limit}. Seen: {Describe(_seen)}");
                        }

                        await expiry.CancelAsync();
                    }

                    _pending = null;
                    if (!await Translate(() => moved))
                    {
                        throw new InvalidOperationException($"The stream ended without a matching event. Seen: {Describe(_seen)}");
                    }

                    _seen.Add(_events.Current);
                    if (match(_events.Current))
                    {
                        return _events.Current;
                    }
                }
            }
            finally
            {
                _reading.Release();
            }
        }

        /// <summary>The next window message with this id (and, if given, this wParam).</summary>
        public async Task<WindowMessage> NextWindowMessageAsync(uint id, ulong? wParam = null)
        {
            Event found = await NextAsync(e =>
                e.KindCase == Event.KindOneofCase.WindowMessage && e.WindowMessage.Id == id && (wParam is null || e.WindowMessage.Wparam == wParam));
            return found.WindowMessage;
        }

        /// <summary>
        /// Reads every event until the stream ends (each wait bounded): what arrived, in order, and the failure the
        /// stream ended with (null for a clean end).
        /// </summary>
        public async Task<(IReadOnlyList<Event> Events, BrokerCallFailure? End)> ReadToEndAsync()
        {
            var events = new List<Event>();
            while (true)
            {
                try
                {
                    events.Add(await NextAsync(_ => true));
                }
                catch (InvalidOperationException)
                {
                    return (events, null);
                }
                catch (BrokerCallFailure failure)
                {
                    return (events, failure);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            // Cancel first: a read waiting for an event then ends and lets go of the stream.
            await _cancel.CancelAsync();
            await _reading.WaitAsync();
            try
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                try
                {
                    // An async iterator cannot be disposed while a read is in progress: let the cancelled one finish.
                    if (_pending is { } pending)
                    {
                        await pending;
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or NotifyException)
                {
                    // Cancelled by us: the expected end.
                }

                try
                {
                    await _events.DisposeAsync();
                }
                catch (Exception e) when (e is OperationCanceledException or NotifyException)
                {
                    // Cancelled by us: the expected end.
                }
            }
            finally
            {
                _reading.Release();
            }
        }

        /// <summary>What a failure message shows of the events seen: all of them, or the first and last few of a long stream.</summary>
        private static string Describe(List<Event> seen) =>
            seen.Count <= 40
                ? string.Join(" | ", seen)
                : $"{string.Join(" | ", seen.Take(10))} | ... {seen.Count - 30} more ... | {string.Join(" | ", seen.TakeLast(20))}";
    }
}

/// <summary>A broker call that ended with a non-OK status.</summary>
internal sealed class BrokerCallFailure(string statusCode, int? win32Code, string? symbolicName, Position? resumeAfter, string message, Exception inner)
    : Exception(message, inner)
{
    /// <summary>The gRPC status code's name, e.g. "InvalidArgument".</summary>
    public string StatusCode { get; } = statusCode;

    public int? Win32Code { get; } = win32Code;

    public string? SymbolicName { get; } = symbolicName;

    /// <summary>Where a Subscribe stream that ended with this failure resumes, if the broker said.</summary>
    public Position? ResumeAfter { get; } = resumeAfter;
}
