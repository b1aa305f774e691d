using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Windows.Broadcasting;
using NotifyBroker.Windows.Listener;
using NotifyBroker.Windows.Platform;
using NotifyBroker.Windows.Sessions;
using NotifyBroker.Windows.Threading;

namespace NotifyBroker.Windows;

/// <summary>
/// The desktop port on real Win32: user32 for messages and broadcasts, netapi32 and wtsapi32 for sends. The calls that
/// block on other programs or on a user (BroadcastSystemMessageExW, WTSSendMessageW) run on small pools of dedicated
/// threads (<see cref="BlockingCallPool"/>), each bounded by its caller's deadline and cancellation; a broadcast also by
/// <see cref="BroadcastDeadline"/>.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsDesktop : IDesktop
{
    /// <summary>Atom names are limited to 255 characters.</summary>
    private const int MaxRegisteredNameLength = 255;

    private readonly WindowsDesktopOptions _options;
    private readonly HostPlatform _platform;
    private readonly TimeProvider _time;
    private readonly Action<string> _log;
    private readonly Win32SessionSender _sessions;
    private readonly PendingBroadcasts _pending;
    private readonly BlockingCallPool _broadcasts;
    private readonly BlockingCallPool _sessionCalls;
    private readonly ConcurrentDictionary<uint, string> _registeredNames = new();
    private readonly SemaphoreSlim _listenerGate = new(1, 1);
    private ListenerWindow? _listener;
    private ListenerLostEventArgs? _lost;

    public WindowsDesktop(WindowsDesktopOptions options, HostPlatform platform, TimeProvider time, Action<string> log)
    {
        _options = options;
        _platform = platform;
        _time = time;
        _log = log;
        _sessions = new Win32SessionSender(platform);
        _pending = new PendingBroadcasts(time, options.OwnBroadcastLifetime);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BroadcastThreads, 1, "Desktop:Windows:BroadcastThreads");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SessionThreads, 1, "Desktop:Windows:SessionThreads");
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxWaitingCalls, "Desktop:Windows:MaxWaitingCalls");
        _broadcasts = new BlockingCallPool(
            "broadcast", options.BroadcastThreads, options.MaxWaitingCalls, "Desktop:Windows:BroadcastThreads, Desktop:Windows:MaxWaitingCalls", time, log);
        _sessionCalls = new BlockingCallPool(
            "session", options.SessionThreads, options.MaxWaitingCalls, "Desktop:Windows:SessionThreads, Desktop:Windows:MaxWaitingCalls", time, log);
        // The session path is offered everywhere, Wine included: there it is tried and answers ERROR_NOT_SUPPORTED,
        // which tells a client what is really going on, where "no such name" (what a desktop without the path gets
        // from the core) would not.
        Capabilities = (_sessions.MessengerAvailable ? DesktopCapabilities.Messenger : DesktopCapabilities.None) |
                       DesktopCapabilities.Sessions;
        if (platform.IsWine)
        {
            _log($"Running on {platform}: no Messenger, no WTS message boxes (a Send to a name no alias holds answers ERROR_NOT_SUPPORTED), no UIPI; broadcasts and WM_COPYDATA work.");
        }
    }

    public string HostName { get; } = Environment.MachineName;

    public DesktopCapabilities Capabilities { get; }

    /// <inheritdoc />
    public bool IsListening => Volatile.Read(ref _listener) is { IsRunning: true };

    /// <inheritdoc />
    public event EventHandler<ListenerLostEventArgs>? ListenerLost;

    public uint RegisterWindowMessage(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxRegisteredNameLength)
        {
            throw new BrokerException(
                Win32Error.ERROR_INVALID_PARAMETER,
                $"A registered message name must have 1 to {MaxRegisteredNameLength} characters.");
        }

        uint id = Interop.User32.RegisterWindowMessage(name);
        if (id == 0)
        {
            int error = Marshal.GetLastPInvokeError();
            throw new BrokerException(error != 0 ? error : Win32Error.ERROR_INVALID_PARAMETER, $"RegisterWindowMessageW('{name}') failed.");
        }

        if (_registeredNames.TryAdd(id, name))
        {
            // A message the broker itself names is one its clients broadcast: let lower-integrity senders through too.
            Volatile.Read(ref _listener)?.AllowMessage(id);
        }

        return id;
    }

    public unsafe string? GetRegisteredMessageName(uint messageId)
    {
        if (messageId is < WindowMessages.RegisteredFirst or > WindowMessages.RegisteredLast)
        {
            return null;
        }

        const int capacity = MaxRegisteredNameLength + 1;
        char* buffer = stackalloc char[capacity];
        int length = Interop.User32.GetClipboardFormatName(messageId, buffer, capacity);
        if (length == 0 && _platform.IsWine)
        {
            // Wine registers window messages as global atoms.
            length = (int)Interop.Kernel32.GlobalGetAtomName((ushort)messageId, buffer, capacity);
        }

        if (length > 0)
        {
            return new string(buffer, 0, length);
        }

        return _registeredNames.TryGetValue(messageId, out string? known) ? known : null;
    }

    /// <summary>
    /// BroadcastSystemMessageExW on a dedicated broadcast thread. The caller waits until the call returns, its
    /// <paramref name="cancellationToken"/> fires (the RPC's deadline or cancellation) or <see cref="BroadcastDeadline"/>
    /// passes (ERROR_TIMEOUT), whichever comes first; a call it stopped waiting for finishes on its thread.
    /// </summary>
    public async ValueTask<BroadcastOutcome> BroadcastAsync(BroadcastCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (Volatile.Read(ref _lost) is { } lost)
        {
            // A broker that hears nothing must not report broadcasts as made (OK with delivered 0 would be a lie).
            throw new BrokerException(
                Win32Error.NERR_MsgNotStarted,
                $"The broker's listener window is gone ({lost.Reason}): the broker hears no window messages and does not broadcast. Restart the broker.");
        }

        BroadcastPlan plan = BroadcastPlan.For(command);
        cancellationToken.ThrowIfCancellationRequested();

        // EnumWindows only: it sends nothing, so it does not block.
        int addressed = WindowCensus.CountAddressed(plan.Flags, command.Recipients);
        TimeSpan limit = BroadcastDeadline.For(command.Timeout, addressed);

        // A synchronous broadcast blocks on every recipient: never on the caller's, the listener's or a pool thread.
        return await _broadcasts.RunAsync(
            "BroadcastSystemMessageExW",
            () => Win32Broadcaster.Broadcast(command, plan, _pending, addressed),
            limit,
            () => BroadcastDeadline.Exceeded(command, addressed, limit),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// NetMessageBufferSend or WTSSendMessageW on a dedicated session thread. WTSSendMessageW waits for the user up to
    /// the message's timeout per session (the core caps it); the caller waits until then or until its
    /// <paramref name="cancellationToken"/> fires, and a call it stopped waiting for finishes on its thread.
    /// </summary>
    public async ValueTask<SessionSendOutcome> SendToSessionAsync(SessionMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        return await _sessionCalls.RunAsync(
            "WTSSendMessageW",
            () => _sessions.Send(message),
            Timeout.InfiniteTimeSpan,
            static () => new BrokerException(Win32Error.ERROR_TIMEOUT, "The session send did not finish in time."),
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask StartListeningAsync(IWindowMessageSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        await _listenerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_listener is { IsLost: false })
            {
                throw new InvalidOperationException("The listener window is already running.");
            }

            var allowed = new HashSet<uint>(_registeredNames.Keys);
            foreach (string name in _options.AllowedMessageNames)
            {
                allowed.Add(RegisterWindowMessage(name));
            }

            var settings = new ListenerSettings(
                allowed,
                _options.MaxCopyDataBytes,
                _options.RegisterSessionNotifications,
                _time,
                _options.SessionEnding,
                _options.SessionEndGrace);
            ListenerWindow? listener = null;
            listener = new ListenerWindow(sink, _pending, settings, _log, lost => OnListenerLost(listener!, lost));

            // Current before it starts, so that a loss reported while it starts is not taken for old news.
            Volatile.Write(ref _lost, null);
            Volatile.Write(ref _listener, listener);
            try
            {
                await listener.StartAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Volatile.Write(ref _listener, null);
                throw;
            }

            // Names registered while the window was being made.
            foreach (uint id in _registeredNames.Keys.Where(id => !allowed.Contains(id)))
            {
                listener.AllowMessage(id);
            }
        }
        finally
        {
            _listenerGate.Release();
        }
    }

    public async ValueTask StopListeningAsync(CancellationToken cancellationToken)
    {
        await _listenerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ListenerWindow? listener = Volatile.Read(ref _listener);
            if (listener is null)
            {
                return;
            }

            await listener.StopAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _listener, null);
            if (listener.Faults > 0 || listener.Refused > 0 || listener.Ignored > 0 || listener.OwnSessionEnds > 0)
            {
                _log($"Listener stopped: {listener.Forwarded} messages forwarded, {listener.Refused} refused, {listener.Faults} faults, " +
                     $"{listener.Ignored} attempts to end it ignored, {listener.OwnSessionEnds} session-end messages of the broker's own not acted on.");
            }
        }
        finally
        {
            _listenerGate.Release();
        }
    }

    /// <summary>The listener ended without being asked to (on its thread, or on the thread pool for a terminated thread).</summary>
    private void OnListenerLost(ListenerWindow listener, ListenerLostEventArgs lost)
    {
        if (!ReferenceEquals(Volatile.Read(ref _listener), listener))
        {
            // An old listener's late news.
            return;
        }

        Volatile.Write(ref _lost, lost);
        EventHandler<ListenerLostEventArgs>? handlers = ListenerLost;
        if (handlers is null)
        {
            return;
        }

        foreach (EventHandler<ListenerLostEventArgs> handler in handlers.GetInvocationList().Cast<EventHandler<ListenerLostEventArgs>>())
        {
            try
            {
                handler(this, lost);
            }
            catch (Exception e)
            {
                // Every handler hears of it; none may end the thread that reports it.
                _log($"A ListenerLost handler failed: {e}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopListeningAsync(CancellationToken.None).ConfigureAwait(false);
        _listenerGate.Dispose();
        _broadcasts.Dispose();
        _sessionCalls.Dispose();
    }
}
