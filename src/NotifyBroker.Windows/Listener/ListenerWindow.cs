using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;

namespace NotifyBroker.Windows.Listener;

/// <summary>
/// The broker's listener: a hidden top-level window (never HWND_MESSAGE: message-only windows get no broadcasts) on
/// a dedicated thread with its own GetMessage loop. Its window procedure copies pointer payloads before returning,
/// hands every interesting message to the sink without blocking, and never lets an exception escape into user32.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class ListenerWindow
{
    /// <summary>Private to our class: asks the window, on its own thread, to unregister and destroy itself.</summary>
    private const uint WM_CLOSE_LISTENER = Interop.User32.WM_USER + 1;

    // The window procedure is static (an unmanaged function pointer) and always runs on the thread that created the
    // window, so the owning listener is found through a thread static.
    [ThreadStatic]
    private static ListenerWindow? t_current;

    private readonly IWindowMessageSink _sink;
    private readonly PendingBroadcasts _pending;
    private readonly ListenerSettings _settings;
    private readonly Action<string> _log;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private readonly SessionEndHold _sessionEnd;
    private nint _hwnd;
    private bool _sessionNotificationsRegistered;
    private long _forwarded;
    private long _refused;
    private long _faults;

    public ListenerWindow(IWindowMessageSink sink, PendingBroadcasts pending, ListenerSettings settings, Action<string> log)
    {
        _sink = sink;
        _pending = pending;
        _settings = settings;
        _log = log;
        _sessionEnd = new SessionEndHold(settings.SessionEnding, settings.SessionEndGrace);
        _thread = new Thread(Run) { IsBackground = true, Name = "NotifyBroker listener window" };
    }

    /// <summary>The window handle (0 until started).</summary>
    public nint Handle => Volatile.Read(ref _hwnd);

    /// <summary>Messages handed to the sink.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Messages refused (a WM_COPYDATA too large or malformed): the sender saw FALSE.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Exceptions caught in the window procedure (from the sink or the listener itself).</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>Starts the thread; completes when the window exists (or faults with the Win32 error).</summary>
    public Task StartAsync()
    {
        _thread.Start();
        return _ready.Task;
    }

    /// <summary>
    /// Lets lower-integrity processes deliver <paramref name="messageId"/> to the window (UIPI). Failure is logged:
    /// same-integrity senders are unaffected.
    /// </summary>
    public unsafe void AllowMessage(uint messageId)
    {
        nint hwnd = Handle;
        if (hwnd != 0 && !Interop.User32.ChangeWindowMessageFilterEx(hwnd, messageId, Interop.User32.MSGFLT_ALLOW, null))
        {
            _log($"ChangeWindowMessageFilterEx(0x{messageId:X4}, MSGFLT_ALLOW) failed: error {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>
    /// Posts the close request, then waits for the loop to end (WM_DESTROY, WM_QUIT) and joins the thread. When the
    /// thread is holding WM_ENDSESSION(TRUE) for the host's stop (which is what calls this), it returns at once
    /// instead: nothing is forwarded any more, and the posted close ends the window once the hold is released.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_ready.Task.IsCompletedSuccessfully)
        {
            return;
        }

        if (!_stopped.Task.IsCompleted && !Interop.User32.PostMessage(Handle, WM_CLOSE_LISTENER, 0, 0))
        {
            int error = Marshal.GetLastPInvokeError();
            if (!_stopped.Task.IsCompleted)
            {
                throw new BrokerException(error, $"Could not ask the listener window to close (PostMessage error {error}).");
            }
        }

        if (_sessionEnd.RequestStop())
        {
            // Waiting for the held thread would wait for ourselves: the hold ends when this stop has finished.
            return;
        }

        await _stopped.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        _thread.Join();
    }

    private void Run()
    {
        t_current = this;
        try
        {
            if (!CreateWindow())
            {
                return;
            }

            _ready.TrySetResult();
            Pump();
        }
        catch (Exception e)
        {
            // Nothing may escape a thread; report to whoever waits.
            _log($"Listener thread failed: {e}");
            _ready.TrySetException(e);
        }
        finally
        {
            Volatile.Write(ref _hwnd, 0);
            if (!Interop.User32.UnregisterClass(ListenerWindowContract.ClassName, Interop.Kernel32.GetModuleHandle(null)))
            {
                // ERROR_CLASS_HAS_WINDOWS when another listener of this process still uses the class: harmless.
                _log($"UnregisterClass failed: error {Marshal.GetLastPInvokeError()}.");
            }

            t_current = null;
            _stopped.TrySetResult();
        }
    }

    private unsafe bool CreateWindow()
    {
        nint instance = Interop.Kernel32.GetModuleHandle(null);
        fixed (char* className = ListenerWindowContract.ClassName)
        {
            var windowClass = new Interop.User32.WNDCLASSEXW
            {
                cbSize = (uint)sizeof(Interop.User32.WNDCLASSEXW),
                lpfnWndProc = &WindowProcedure,
                hInstance = instance,
                lpszClassName = className,
            };
            if (Interop.User32.RegisterClassEx(&windowClass) == 0)
            {
                int error = Marshal.GetLastPInvokeError();
                // A second listener in one process reuses the class (same window procedure).
                if (error != Win32Error.ERROR_CLASS_ALREADY_EXISTS)
                {
                    _ready.TrySetException(new BrokerException(error, $"RegisterClassExW failed: error {error}."));
                    return false;
                }
            }
        }

        nint hwnd = Interop.User32.CreateWindowEx(
            Interop.User32.WS_EX_TOOLWINDOW,
            ListenerWindowContract.ClassName,
            ListenerWindowContract.WindowTitle,
            Interop.User32.WS_POPUP,
            0,
            0,
            0,
            0,
            hWndParent: 0,
            hMenu: 0,
            instance,
            lpParam: 0);
        if (hwnd == 0)
        {
            int error = Marshal.GetLastPInvokeError();
            _ready.TrySetException(new BrokerException(
                error,
                $"CreateWindowExW failed: error {error}. (Under Wine with no display, set HKCU\\Software\\Wine\\Drivers Graphics=null.)"));
            return false;
        }

        Volatile.Write(ref _hwnd, hwnd);
        AllowMessage(Interop.User32.WM_COPYDATA);
        foreach (uint messageId in _settings.AllowedMessageIds)
        {
            AllowMessage(messageId);
        }

        if (_settings.RegisterSessionNotifications)
        {
            _sessionNotificationsRegistered = Interop.WtsApi32.WTSRegisterSessionNotification(hwnd, Interop.WtsApi32.NOTIFY_FOR_THIS_SESSION);
            if (!_sessionNotificationsRegistered)
            {
                _log($"WTSRegisterSessionNotification failed: error {Marshal.GetLastPInvokeError()}; no WM_WTSSESSION_CHANGE events.");
            }
        }

        return true;
    }

    private unsafe void Pump()
    {
        Interop.User32.MSG message;
        int result;
        while ((result = Interop.User32.GetMessage(&message, 0, 0, 0)) > 0)
        {
            Interop.User32.TranslateMessage(&message);
            Interop.User32.DispatchMessage(&message);
        }

        if (result < 0)
        {
            _log($"GetMessageW failed: error {Marshal.GetLastPInvokeError()}; the listener stopped.");
        }
    }

    [UnmanagedCallersOnly]
    private static nint WindowProcedure(nint hwnd, uint messageId, nuint wParam, nint lParam)
    {
        ListenerWindow? listener = t_current;
        try
        {
            if (listener is not null && listener.TryHandle(hwnd, messageId, wParam, lParam, out nint result))
            {
                return result;
            }
        }
        catch (Exception e)
        {
            // An exception escaping an UnmanagedCallersOnly method tears the process down.
            listener?.RecordFault(messageId, e);
        }

        return Interop.User32.DefWindowProc(hwnd, messageId, wParam, lParam);
    }

    private bool TryHandle(nint hwnd, uint messageId, nuint wParam, nint lParam, out nint result)
    {
        result = 0;
        switch (messageId)
        {
            case WM_CLOSE_LISTENER:
                Close(hwnd);
                return true;
            case Interop.User32.WM_CLOSE:
                // Only the broker stops its listener; a stray WM_CLOSE (e.g. taskkill without /f) must not end it.
                return true;
            case Interop.User32.WM_DESTROY:
                Interop.User32.PostQuitMessage(0);
                return true;
        }

        if (_sessionEnd.ForwardingEnded || !ListenedMessages.IsForwarded(messageId))
        {
            return false;
        }

        if (!MessagePayloadReader.TryCopy(messageId, lParam, _settings.MaxCopyDataBytes, out WindowMessagePayload? payload))
        {
            Interlocked.Increment(ref _refused);
            _log($"Refused message 0x{messageId:X4}: malformed or larger than {_settings.MaxCopyDataBytes} bytes.");
            return true; // FALSE: the sender learns it was not taken.
        }

        bool own = _pending.TryMatch(messageId, wParam, lParam, out uint flags, out object? correlation);
        var received = new ReceivedWindowMessage(
            messageId,
            wParam,
            lParam,
            payload,
            FromBroadcastRpc: own,
            BroadcastFlags: flags,
            ReceivedAt: _settings.Time.GetUtcNow(),
            Correlation: correlation);
        try
        {
            _sink.OnWindowMessage(in received);
        }
        catch (Exception e)
        {
            RecordFault(messageId, e);
            return true; // FALSE: not taken.
        }

        Interlocked.Increment(ref _forwarded);
        if (messageId == Interop.User32.WM_ENDSESSION && wParam != 0)
        {
            HoldSessionEnd();
        }

        if (ListenedMessages.AcceptedResult(messageId) is { } accepted)
        {
            result = accepted;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Once WM_ENDSESSION(TRUE) returns the process may be ended at any moment, so the host's stop (or, without one,
    /// the delivery of what the broker already accepted) happens before returning, bounded by the grace period.
    /// </summary>
    private void HoldSessionEnd()
    {
        try
        {
            if (_sessionEnd.Hold() == SessionEndOutcome.TimedOut)
            {
                _log($"The session-ending stop did not finish within {_settings.SessionEndGrace}; the system may end the process now.");
            }
        }
        catch (AggregateException e)
        {
            RecordFault(Interop.User32.WM_ENDSESSION, e);
        }
    }

    private void Close(nint hwnd)
    {
        _sessionEnd.EndForwarding();
        if (_sessionNotificationsRegistered && !Interop.WtsApi32.WTSUnRegisterSessionNotification(hwnd))
        {
            // Wine's stub returns FALSE.
            _log($"WTSUnRegisterSessionNotification failed: error {Marshal.GetLastPInvokeError()}.");
        }

        if (!Interop.User32.DestroyWindow(hwnd))
        {
            _log($"DestroyWindow failed: error {Marshal.GetLastPInvokeError()}; ending the loop anyway.");
            Interop.User32.PostQuitMessage(0);
        }
    }

    private void RecordFault(uint messageId, Exception e)
    {
        Interlocked.Increment(ref _faults);
        try
        {
            _log($"Window procedure fault on message 0x{messageId:X4}: {e}");
        }
        catch (Exception)
        {
            // A failing log sink must not take the window procedure down either.
        }
    }
}
