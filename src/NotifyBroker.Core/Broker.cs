using NotifyBroker.Core.Aliases;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Engine;
using NotifyBroker.Core.Engine.InMemory;
using NotifyBroker.Core.Events;
using NotifyBroker.Core.Fleet;
using NotifyBroker.Core.Listening;
using NotifyBroker.Core.Observability;
using NotifyBroker.Core.Operations;
using NotifyBroker.Core.Policy;
using NotifyBroker.Core.Security;
using NotifyBroker.Core.Subscriptions;

namespace NotifyBroker.Core;

/// <summary>
/// The broker core, as the host calls it: Send, Broadcast, Subscribe, the alias table, and the listener's life.
/// Failures with a Win32/NERR meaning throw <see cref="Errors.BrokerException"/>; the host maps its code to a
/// status. Thread-safe.
/// </summary>
public sealed class Broker : IAsyncDisposable
{
    private readonly IDesktop _desktop;
    private readonly IBrokerEngine _engine;
    private readonly bool _ownsEngine;
    private readonly AliasTable _aliases;
    private readonly LocalServerName _localServer;
    private readonly SendOperation _send;
    private readonly BroadcastOperation _broadcast;
    private readonly SubscribeOperation _subscribe;
    private readonly IDisposable _historyTracking;
    private readonly Action<ListenerPublishFailure>? _listenerPublishFailed;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly IServerDirectory _servers;
    private bool _listening;

    /// <param name="desktop">The desktop to broadcast on and listen to.</param>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="timeProvider">The clock (tests pass their own).</param>
    /// <param name="engine">History and fan-out; an in-memory engine when null. A given engine stays the caller's to dispose.</param>
    /// <param name="listenerPublishFailed">
    /// Called when a message the listener received cannot be published (the host logs it as an error: the message is
    /// lost, and a Broadcast caller was told it was delivered). Runs on the desktop's message-loop thread: keep it short.
    /// </param>
    public Broker(
        IDesktop desktop,
        BrokerOptions options,
        TimeProvider? timeProvider = null,
        IBrokerEngine? engine = null,
        Action<ListenerPublishFailure>? listenerPublishFailed = null)
    {
        ArgumentNullException.ThrowIfNull(desktop);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var time = timeProvider ?? TimeProvider.System;

        _desktop = desktop;
        _listenerPublishFailed = listenerPublishFailed;
        Options = options;
        Name = string.IsNullOrEmpty(options.Name) ? desktop.HostName : options.Name;
        _ownsEngine = engine is null;
        _engine = engine ?? new InMemoryEngine(options.HistoryMaxCount, options.HistoryMaxAge, time, options.HistoryMaxBytes, options.MaxEventBytes);
        _aliases = new AliasTable(options.MaxAliases, options.MaxAliasesPerIdentity);
        _localServer = new LocalServerName(Name);

        var audience = new SubscriberAudience();
        _send = new SendOperation(new SendPolicy(_localServer, desktop.HostName, Name, options), _aliases, audience, _engine, desktop, Name);
        _broadcast = new BroadcastOperation(desktop, new BroadcastPolicy(options, time), time);
        _subscribe = new SubscribeOperation(_engine, _aliases, audience, options.SubscriberQueueCapacity, options.MaxFilterEntries);
        _historyTracking = BrokerTelemetry.TrackHistory(_engine);
        Started = time.GetUtcNow();
        DesktopKind = desktop is Desktop.InMemory.InMemoryDesktop ? FleetDesktopKind.InMemory : FleetDesktopKind.Win32;
        _servers = new LocalServerDirectory(Name, DesktopKind, desktop.HostName, Started);
    }

    /// <summary>When this broker was made.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>The kind of desktop this broker serves (for ListServers).</summary>
    public FleetDesktopKind DesktopKind { get; }

    /// <summary>ListServers: the brokers of the fleet; on its own, only this one.</summary>
    public ValueTask<IReadOnlyList<ServerEntry>> ListServersAsync(CancellationToken cancellationToken = default) =>
        _servers.ListAsync(cancellationToken);

    /// <summary>The broker's name (the servername it answers to).</summary>
    public string Name { get; }

    /// <summary>The desktop's host name (the default fromname).</summary>
    public string HostName => _desktop.HostName;

    /// <summary>The settings the broker runs with (e.g. the default keepalive interval for the host).</summary>
    public BrokerOptions Options { get; }

    /// <summary>The history's epoch.</summary>
    public string Epoch => _engine.Epoch;

    /// <summary>The newest event's position, for keepalives. Lock-free.</summary>
    public StreamPosition CurrentPosition => _engine.CurrentPosition;

    /// <summary>What history holds right now.</summary>
    public HistoryState GetHistoryState() => _engine.GetHistoryState();

    /// <summary>Create the listener window; from now on what it receives is published to subscribers.</summary>
    public async ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_listening)
            {
                return;
            }

            await _desktop.StartListeningAsync(new ListenerSink(_engine, _desktop, _listenerPublishFailed), cancellationToken).ConfigureAwait(false);
            _listening = true;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Destroy the listener window and end every subscription (each with its resume position).</summary>
    public async ValueTask StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_listening)
            {
                await _desktop.StopListeningAsync(cancellationToken).ConfigureAwait(false);
                _listening = false;
            }

            _engine.CompleteAll(SubscriptionEndReason.BrokerStopped);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>NetMessageBufferSend.</summary>
    public ValueTask<BrokerSendResult> SendAsync(BrokerSendRequest request, CancellationToken cancellationToken = default) =>
        _send.RunAsync(request, cancellationToken);

    /// <summary>BroadcastSystemMessageEx.</summary>
    public ValueTask<BrokerBroadcastResult> BroadcastAsync(BrokerBroadcastRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        _localServer.Ensure(request.ServerName);
        return _broadcast.RunAsync(request, cancellationToken);
    }

    /// <summary>Open a subscription. Dispose it when the stream ends.</summary>
    public Subscription Subscribe(SubscriptionRequest request) => _subscribe.Open(request);

    /// <summary>NetMessageNameAdd: <paramref name="caller"/> (null: <see cref="Caller.Operator"/>) owns the alias from now on.</summary>
    public void AddAlias(string? serverName, string name, Caller? caller = null)
    {
        _localServer.Ensure(serverName);
        _aliases.Add(name, caller ?? Caller.Operator);
    }

    /// <summary>NetMessageNameDel, by the alias's owner or an admin.</summary>
    public void DeleteAlias(string? serverName, string name, Caller? caller = null)
    {
        _localServer.Ensure(serverName);
        _aliases.Delete(name, caller ?? Caller.Operator);
    }

    /// <summary>NetMessageNameEnum: registered and held aliases, ordered by name; a non-admin sees only its own.</summary>
    public IReadOnlyList<AliasEntry> ListAliases(string? serverName, Caller? caller = null)
    {
        _localServer.Ensure(serverName);
        return _aliases.List(caller ?? Caller.Operator);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _historyTracking.Dispose();
        if (_ownsEngine)
        {
            _engine.Dispose();
        }

        _lifecycle.Dispose();
    }
}
