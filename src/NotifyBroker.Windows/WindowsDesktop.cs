using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Windows.Broadcasting;
using NotifyBroker.Windows.Listener;
using NotifyBroker.Windows.Platform;
using NotifyBroker.Windows.Sessions;

namespace NotifyBroker.Windows;

/// <summary>The desktop port on real Win32: user32 for messages and broadcasts, netapi32 and wtsapi32 for sends.</summary>
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
    private readonly ConcurrentDictionary<uint, string> _registeredNames = new();
    private readonly SemaphoreSlim _listenerGate = new(1, 1);
    private ListenerWindow? _listener;

    public WindowsDesktop(WindowsDesktopOptions options, HostPlatform platform, TimeProvider time, Action<string> log)
    {
        _options = options;
        _platform = platform;
        _time = time;
        _log = log;
        _sessions = new Win32SessionSender(platform);
        _pending = new PendingBroadcasts(time, options.OwnBroadcastLifetime);
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
        if (messageId is < Interop.User32.RegisteredMessageFirst or > Interop.User32.RegisteredMessageLast)
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

    public async ValueTask<BroadcastOutcome> BroadcastAsync(BroadcastCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        BroadcastPlan plan = BroadcastPlan.For(command);
        cancellationToken.ThrowIfCancellationRequested();

        // A synchronous broadcast blocks on every recipient: never on the caller's (or the listener's) thread.
        return await Task.Run(() => Win32Broadcaster.Broadcast(command, plan, _pending), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<SessionSendOutcome> SendToSessionAsync(SessionMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        return await Task.Run(() => _sessions.Send(message), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask StartListeningAsync(IWindowMessageSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        await _listenerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_listener is not null)
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
            var listener = new ListenerWindow(sink, _pending, settings, _log);
            await listener.StartAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _listener, listener);

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
            if (listener.Faults > 0 || listener.Refused > 0)
            {
                _log($"Listener stopped: {listener.Forwarded} messages forwarded, {listener.Refused} refused, {listener.Faults} faults.");
            }
        }
        finally
        {
            _listenerGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopListeningAsync(CancellationToken.None).ConfigureAwait(false);
        _listenerGate.Dispose();
    }
}
