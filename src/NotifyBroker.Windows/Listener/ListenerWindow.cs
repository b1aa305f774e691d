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
/// <remarks>
/// <para>It cannot be silenced from outside (<see cref="ListenerGuard"/>):</para>
/// <list type="bullet">
/// <item>It ends only when the broker's own stop asks: <see cref="StopAsync"/> sets a flag in this process, then posts
/// the control message, a message registered under a per-run name ("NotifyBroker.Control." and a random GUID). The
/// flag is what counts: the id itself is no secret from a local process (it can read the atom table, or try every
/// registered id), so the control message does nothing unless the stop was asked for.</item>
/// <item>WM_CLOSE never closes it. A WM_DESTROY other than the one its own DestroyWindow sends ends nothing. A WM_QUIT
/// it did not cause (posted to the window or to the thread by anyone) is ignored and the loop goes on.</item>
/// <item>WM_QUERYENDSESSION and WM_ENDSESSION that the broker broadcast itself are forwarded (marked as its own) but
/// never stop the host; only one from elsewhere (the system's session end) does.</item>
/// </list>
/// <para>If its thread ends anyway without being asked (an exception, GetMessage failing, the window destroyed, the
/// thread terminated from outside: a wait on the thread's handle sees that too), the listener reports itself lost,
/// once, through the callback it was made with. It does not restart itself: messages sent in the meantime are gone,
/// and a supervisor that sees health NOT_SERVING restarts the whole broker, which is the honest answer.</para>
/// </remarks>
[SupportedOSPlatform("windows")]
internal sealed class ListenerWindow
{
    /// <summary>The control message's name: a fresh one per listener, so no other program knows it in advance.</summary>
    internal const string ControlMessagePrefix = "NotifyBroker.Control.";

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
    private readonly ListenerGuard _guard = new();
    private readonly Action<ListenerLostEventArgs> _lost;
    private nint _hwnd;
    private uint _controlMessage;
    private uint _threadId;
    private bool _sessionNotificationsRegistered;
    private bool _checkWindow;
    private string? _lossReason;
    private int _lossReported;
    private long _forwarded;
    private long _refused;
    private long _faults;
    private long _ownSessionEnds;
    private ThreadExitWatch? _exitWatch;

    /// <param name="sink">Receives what the window receives.</param>
    /// <param name="pending">The broker's own broadcasts in flight.</param>
    /// <param name="settings">Resolved settings.</param>
    /// <param name="log">Diagnostic lines.</param>
    /// <param name="lost">Called once, on whatever thread noticed it, when the listener ends without being asked to.</param>
    public ListenerWindow(IWindowMessageSink sink, PendingBroadcasts pending, ListenerSettings settings, Action<string> log, Action<ListenerLostEventArgs> lost)
    {
        _sink = sink;
        _pending = pending;
        _settings = settings;
        _log = log;
        _lost = lost;
        _sessionEnd = new SessionEndHold(settings.SessionEnding, settings.SessionEndGrace);
        _thread = new Thread(Run) { IsBackground = true, Name = "NotifyBroker listener window" };
    }

    /// <summary>The window handle (0 until started, and once ended).</summary>
    public nint Handle => Volatile.Read(ref _hwnd);

    /// <summary>True while the window exists and its loop runs: started, and neither stopped nor lost.</summary>
    public bool IsRunning => _ready.Task.IsCompletedSuccessfully && !_stopped.Task.IsCompleted && Volatile.Read(ref _lossReported) == 0;

    /// <summary>True once the listener ended without being asked to.</summary>
    public bool IsLost => Volatile.Read(ref _lossReported) != 0;

    /// <summary>Messages that would have ended the listener had it obeyed them (WM_CLOSE, WM_DESTROY, WM_QUIT, the control message).</summary>
    public long Ignored => _guard.Ignored;

    /// <summary>WM_QUERYENDSESSION/WM_ENDSESSION the broker broadcast itself: forwarded, never acted on.</summary>
    public long OwnSessionEnds => Interlocked.Read(ref _ownSessionEnds);

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

        // First the flag (what makes the control message count), then the message.
        _guard.RequestStop();
        if (!_stopped.Task.IsCompleted && !Interop.User32.PostMessage(Handle, _controlMessage, 0, 0))
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
        if (!IsLost)
        {
            // A thread terminated from outside may never be joinable; one that ended on its own already has.
            _thread.Join();
        }

        DisposeExitWatch();
    }

    private void Run()
    {
        t_current = this;
        bool started = false;
        try
        {
            if (!CreateWindow())
            {
                return;
            }

            _exitWatch = ThreadExitWatch.TryStart(_threadId, OnThreadExited, _log);
            started = true;
            _ready.TrySetResult();
            Pump();
        }
        catch (Exception e)
        {
            // Nothing may escape a thread; report to whoever waits.
            _log($"Listener thread failed: {e}");
            _ready.TrySetException(e);
            _lossReason ??= $"its thread failed: {e.GetType().Name}: {e.Message}";
            if (started && !_guard.StopRequested)
            {
                ReportLost(new ListenerLostEventArgs(_lossReason, e));
            }
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
            if (started && !_guard.StopRequested)
            {
                ReportLost(new ListenerLostEventArgs(_lossReason ?? "its message loop ended"));
            }

            _stopped.TrySetResult();
        }
    }

    /// <summary>The listener thread's handle was signalled: the thread is gone, however it went.</summary>
    private void OnThreadExited()
    {
        if (!_guard.StopRequested)
        {
            // Normally Run's finally has reported the loss already; only a thread that never got there (terminated
            // from outside) is reported here.
            ReportLost(new ListenerLostEventArgs("its thread was terminated"));
        }

        Volatile.Write(ref _hwnd, 0);
        _stopped.TrySetResult();
    }

    private void ReportLost(ListenerLostEventArgs lost)
    {
        if (Interlocked.Exchange(ref _lossReported, 1) != 0)
        {
            return;
        }

        try
        {
            _log($"The listener window is lost: {lost.Reason}. The broker hears nothing from the desktop any more.");
            _lost(lost);
        }
        catch (Exception e)
        {
            // The callback is the desktop's; a fault in it must not take this thread (or the thread pool) down.
            RecordFault(0, e);
        }
    }

    private void DisposeExitWatch()
    {
        Interlocked.Exchange(ref _exitWatch, null)?.Dispose();
    }

    private unsafe bool CreateWindow()
    {
        _threadId = Interop.Kernel32.GetCurrentThreadId();
        uint control = Interop.User32.RegisterWindowMessage(ControlMessagePrefix + Guid.NewGuid().ToString("N"));
        if (control == 0)
        {
            int error = Marshal.GetLastPInvokeError();
            _ready.TrySetException(new BrokerException(error, $"RegisterWindowMessageW (the listener's control message) failed: error {error}."));
            return false;
        }

        _controlMessage = control;
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
        AllowMessage(WindowMessages.WM_COPYDATA);
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

    /// <summary>
    /// The message loop. It ends only on a WM_QUIT of our own close (or once the window is gone); a WM_QUIT posted
    /// by anyone else is counted and the loop goes on.
    /// </summary>
    private unsafe void Pump()
    {
        Interop.User32.MSG message;
        while (true)
        {
            int result = Interop.User32.GetMessage(&message, 0, 0, 0);
            if (result < 0)
            {
                int error = Marshal.GetLastPInvokeError();
                _lossReason = $"GetMessageW failed: error {error}";
                _log($"GetMessageW failed: error {error}; the listener stopped.");
                return;
            }

            if (result > 0)
            {
                Interop.User32.TranslateMessage(&message);
                Interop.User32.DispatchMessage(&message);
            }

            bool windowExists = WindowStillExists();
            if (result == 0)
            {
                if (_guard.OnQuit(windowExists, out long ignored))
                {
                    if (!windowExists && !_guard.Closing)
                    {
                        _lossReason = "its window was destroyed";
                    }

                    return;
                }

                LogIgnored(ignored, "a WM_QUIT the broker did not post");
            }
            else if (!windowExists)
            {
                _lossReason = "its window was destroyed";
                return;
            }
        }
    }

    /// <summary>
    /// After a WM_NCDESTROY we did not cause (it may be forged: any process can send one), whether the window is
    /// really gone. Cheap otherwise: only then is IsWindow asked.
    /// </summary>
    private bool WindowStillExists()
    {
        if (!_checkWindow)
        {
            return true;
        }

        _checkWindow = false;
        nint hwnd = Handle;
        return hwnd != 0 && Interop.User32.IsWindow(hwnd);
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
        long ignored;
        if (messageId == _controlMessage)
        {
            // Never forwarded, whoever sent it; it closes the window only when the broker asked for that.
            if (_guard.OnControl(out ignored))
            {
                Close(hwnd);
            }
            else
            {
                LogIgnored(ignored, "the control message, sent while the broker had not asked its listener to stop");
            }

            return true;
        }

        switch (messageId)
        {
            case WindowMessages.WM_CLOSE:
                // Only the broker stops its listener; a stray WM_CLOSE (e.g. taskkill without /f) must not end it.
                LogIgnored(_guard.OnClose(), "a WM_CLOSE");
                return true;
            case WindowMessages.WM_DESTROY:
                if (_guard.OnDestroy(out ignored))
                {
                    Interop.User32.PostQuitMessage(0);
                }
                else
                {
                    LogIgnored(ignored, "a WM_DESTROY the broker's own DestroyWindow did not send");
                }

                return true;
            case WindowMessages.WM_NCDESTROY when !_guard.Closing:
                // Forged, or the window really went: the loop checks (IsWindow) once this returns, woken by a
                // WM_NULL since a window that is really gone receives nothing more. Kept from DefWindowProc, which
                // would free the window's text on a forged one.
                _checkWindow = true;
                Interop.User32.PostThreadMessage(_threadId, WindowMessages.WM_NULL, 0, 0);
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

        bool posted = Interop.User32.InSendMessageEx(0) == Interop.User32.ISMEX_NOSEND;
        bool own = _pending.TryMatch(messageId, wParam, lParam, posted, out uint flags, out object? correlation);
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
        if (own && messageId is WindowMessages.WM_QUERYENDSESSION or WindowMessages.WM_ENDSESSION)
        {
            // The broker's own Broadcast: streamed like any other broadcast of ours, but the session is not ending.
            long count = Interlocked.Increment(ref _ownSessionEnds);
            if (ListenerGuard.IsWorthLogging(count))
            {
                _log($"Message 0x{messageId:X4} (wParam {wParam}) came from the broker's own Broadcast: forwarded, not acted on ({count} so far).");
            }
        }
        else if (messageId == WindowMessages.WM_ENDSESSION && wParam != 0)
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
            RecordFault(WindowMessages.WM_ENDSESSION, e);
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

    private void LogIgnored(long count, string what)
    {
        if (ListenerGuard.IsWorthLogging(count))
        {
            _log($"Ignored {what} ({count} so far): only the broker's own stop ends its listener.");
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
