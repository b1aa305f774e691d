using NotifyBroker.Core.Errors;

namespace NotifyBroker.Core.Desktop.InMemory;

/// <summary>
/// A desktop that lives in memory and follows Win32's rules: top-level windows owned by processes,
/// RegisterWindowMessage atoms, BroadcastSystemMessageEx delivery (<see cref="InMemoryBroadcast"/>) and, when
/// enabled, user sessions for WTSSendMessage. The broker runs on it wherever Win32 is absent; tests drive it through
/// <see cref="CreateWindow"/>, <see cref="AddSession"/>, <see cref="BroadcastFromAsync"/> and
/// <see cref="SimulateListenerLoss"/>.
/// </summary>
public sealed class InMemoryDesktop : IDesktop
{
    private const string ListenerName = "NotifyBroker listener";

    private readonly TimeProvider _time;
    private readonly RegisteredMessageTable _atoms = new();
    private readonly Lock _sync = new();
    private readonly List<SimulatedWindow> _windows = [];
    private readonly List<SimulatedSession> _sessions = [];

    // Held while the sink runs: it serialises listener calls the way one message-loop thread does, and lets
    // StopListeningAsync promise that no call is in flight once it returns.
    private readonly Lock _sinkGate = new();
    private IWindowMessageSink? _sink;
    private SimulatedWindow? _listener;
    private ListenerLostEventArgs? _lost;
    private ulong _nextHwnd = 0x10010;

    public InMemoryDesktop(InMemoryDesktopOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new InMemoryDesktopOptions();
        HostName = string.IsNullOrEmpty(options.HostName) ? Environment.MachineName : options.HostName;
        Capabilities = options.Capabilities;
        BrokerProcessId = options.BrokerProcessId;
        DesktopHandle = options.DesktopHandle;
        _time = timeProvider ?? TimeProvider.System;
    }

    public string HostName { get; }

    public DesktopCapabilities Capabilities { get; }

    /// <summary>The broker's own process: its broadcasts come from here and its listener window belongs to it.</summary>
    public int BrokerProcessId { get; }

    /// <summary>The desktop the broker's windows live on.</summary>
    public ulong DesktopHandle { get; }

    /// <summary>The broker's listener window while it listens.</summary>
    public SimulatedWindow? ListenerWindow
    {
        get { lock (_sync) { return _listener; } }
    }

    /// <summary>True from StartListeningAsync until StopListeningAsync or <see cref="SimulateListenerLoss"/>.</summary>
    public bool IsListening
    {
        get { lock (_sync) { return _listener is not null; } }
    }

    /// <summary>Why the listener was lost, while it is (null once it is started again).</summary>
    public ListenerLostEventArgs? LostListener
    {
        get { lock (_sync) { return _lost; } }
    }

    /// <inheritdoc />
    public event EventHandler<ListenerLostEventArgs>? ListenerLost;

    /// <summary>Every top-level window, in creation order (the order broadcasts visit them).</summary>
    public IReadOnlyList<SimulatedWindow> Windows
    {
        get { lock (_sync) { return [.. _windows]; } }
    }

    /// <summary>Create a top-level window owned by <paramref name="processId"/>, on this desktop unless <paramref name="hdesk"/> says otherwise.</summary>
    public SimulatedWindow CreateWindow(string name, int processId, SimulatedWindowProcedure? procedure = null, ulong? hdesk = null) =>
        AddWindow(name, processId, procedure, hdesk ?? DesktopHandle, recordsMessages: true);

    public void DestroyWindow(SimulatedWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        lock (_sync)
        {
            _windows.Remove(window);
        }
    }

    /// <summary>Add a user session that Send's session path can reach by user or session name.</summary>
    public SimulatedSession AddSession(uint sessionId, string userName, string? sessionName = null, Func<SessionMessage, uint>? respond = null)
    {
        var session = new SimulatedSession(sessionId, sessionName ?? $"Session{sessionId}", userName, respond);
        lock (_sync)
        {
            _sessions.Add(session);
        }

        return session;
    }

    public uint RegisterWindowMessage(string name) => _atoms.Register(name);

    public string? GetRegisteredMessageName(uint messageId) =>
        WindowMessages.IsRegisteredRange(messageId) ? _atoms.GetName(messageId) : null;

    /// <summary>
    /// The broker's own BroadcastSystemMessageEx. Fails with NERR_MsgNotStarted while the listener is lost, as the
    /// Win32 desktop does: a broker that hears nothing must not report broadcasts as made.
    /// </summary>
    public ValueTask<BroadcastOutcome> BroadcastAsync(BroadcastCommand command, CancellationToken cancellationToken)
    {
        ListenerLostEventArgs? lost;
        lock (_sync)
        {
            lost = _lost;
        }

        if (lost is not null)
        {
            return ValueTask.FromException<BroadcastOutcome>(new BrokerException(
                Win32Error.NERR_MsgNotStarted,
                $"The broker's listener window is gone ({lost.Reason}): the broker hears no window messages and does not broadcast. Restart the broker."));
        }

        return BroadcastCoreAsync(BrokerProcessId, command, fromBroker: true, cancellationToken);
    }

    /// <summary>Another program (or the system) calls BroadcastSystemMessageEx on this desktop.</summary>
    public ValueTask<BroadcastOutcome> BroadcastFromAsync(int senderProcessId, BroadcastCommand command, CancellationToken cancellationToken = default) =>
        BroadcastCoreAsync(senderProcessId, command, fromBroker: false, cancellationToken);

    public ValueTask<SessionSendOutcome> SendToSessionAsync(SessionMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Capabilities == DesktopCapabilities.None)
        {
            // What NetMessageBufferSend answers where the Messenger service no longer exists.
            throw new BrokerException(Win32Error.ERROR_NOT_SUPPORTED, "This desktop cannot deliver to sessions.");
        }

        SimulatedSession[] targets;
        lock (_sync)
        {
            // "*" reaches every session, as msg.exe's "*" does.
            targets = [.. _sessions.Where(s => message.MsgName == "*" || s.IsNamed(message.MsgName))];
        }

        if (targets.Length == 0)
        {
            throw new BrokerException(Win32Error.NERR_NameNotFound, $"No session or user is named '{message.MsgName}'.");
        }

        uint response = 0;
        foreach (var session in targets)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var answer = session.Show(message);
            response = response == 0 ? answer : response;
        }

        var path = (Capabilities & DesktopCapabilities.Sessions) != 0 ? SessionSendPath.Session : SessionSendPath.Messenger;
        return ValueTask.FromResult(new SessionSendOutcome(path, targets.Length, response));
    }

    public ValueTask StartListeningAsync(IWindowMessageSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        lock (_sinkGate)
        {
            if (_sink is not null)
            {
                // A second listener would register the same window class again.
                throw new BrokerException(Win32Error.ERROR_CLASS_ALREADY_EXISTS, "The listener window already exists.");
            }

            _sink = sink;
        }

        var listener = AddWindow(ListenerName, BrokerProcessId, procedure: null, DesktopHandle, recordsMessages: false);
        lock (_sync)
        {
            _listener = listener;
            _lost = null;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The listener dies as the Win32 one could (its thread ends, its window goes): its window leaves the desktop,
    /// the sink hears nothing more, <see cref="IsListening"/> turns false, <see cref="ListenerLost"/> is raised (on
    /// this thread) and the broker's own broadcasts fail with NERR_MsgNotStarted until the listener is started again.
    /// False when no listener was running.
    /// </summary>
    /// <param name="reason">What killed it, as the event reports it.</param>
    /// <param name="error">The exception that did, if any.</param>
    public bool SimulateListenerLoss(string reason = "the listener's thread ended", Exception? error = null)
    {
        var lost = new ListenerLostEventArgs(reason, error);
        lock (_sync)
        {
            if (_listener is null)
            {
                return false;
            }

            _windows.Remove(_listener);
            _listener = null;
            _lost = lost;
        }

        // Taking the gate waits for a sink call in flight, as a dying message loop finishes the message it was in.
        lock (_sinkGate)
        {
            _sink = null;
        }

        ListenerLost?.Invoke(this, lost);
        return true;
    }

    public ValueTask StopListeningAsync(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (_listener is not null)
            {
                _windows.Remove(_listener);
                _listener = null;
            }
        }

        // Taking the gate waits for a sink call in flight; none starts after _sink is cleared.
        lock (_sinkGate)
        {
            _sink = null;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => StopListeningAsync(CancellationToken.None);

    internal TimeProvider Time => _time;

    internal bool IsListener(SimulatedWindow window)
    {
        lock (_sync) { return ReferenceEquals(window, _listener); }
    }

    /// <summary>Hand a message to the broker's sink, as the listener's window procedure does.</summary>
    internal void DeliverToListener(in ReceivedWindowMessage message)
    {
        lock (_sinkGate)
        {
            _sink?.OnWindowMessage(in message);
        }
    }

    private async ValueTask<BroadcastOutcome> BroadcastCoreAsync(int senderProcessId, BroadcastCommand command, bool fromBroker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        SimulatedWindow[] windows;
        lock (_sync)
        {
            windows = [.. _windows];
        }

        var broadcast = new InMemoryBroadcast(this, senderProcessId, command, fromBroker);
        return await broadcast.RunAsync(windows, cancellationToken).ConfigureAwait(false);
    }

    private SimulatedWindow AddWindow(string name, int processId, SimulatedWindowProcedure? procedure, ulong hdesk, bool recordsMessages)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_sync)
        {
            // Real handles are multiples of 2 (the low bits are reserved), so mimic that for readable test output.
            var window = new SimulatedWindow(_nextHwnd, hdesk, name, processId, procedure, recordsMessages);
            _nextHwnd += 2;
            _windows.Add(window);
            return window;
        }
    }
}
