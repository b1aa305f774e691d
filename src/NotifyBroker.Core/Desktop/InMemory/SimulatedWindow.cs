namespace NotifyBroker.Core.Desktop.InMemory;

/// <summary>
/// A top-level window of the in-memory desktop: a handle, a readable name, the process that owns it, and a window
/// procedure. A window can be marked hung: synchronous sends to it then time out, and posted or notified messages
/// wait in its queue until it resumes.
/// </summary>
public sealed class SimulatedWindow
{
    private readonly SimulatedWindowProcedure? _procedure;
    private readonly bool _recordsMessages;
    private readonly Lock _sync = new();
    private readonly List<DeliveredWindowMessage> _received = [];
    private readonly Queue<DeliveredWindowMessage> _backlog = new();
    private bool _hung;

    internal SimulatedWindow(ulong hwnd, ulong hdesk, string name, int processId, SimulatedWindowProcedure? procedure, bool recordsMessages)
    {
        Hwnd = hwnd;
        Hdesk = hdesk;
        Name = name;
        ProcessId = processId;
        _procedure = procedure;
        _recordsMessages = recordsMessages;
    }

    public ulong Hwnd { get; }

    /// <summary>The desktop the window lives on.</summary>
    public ulong Hdesk { get; }

    public string Name { get; }

    public int ProcessId { get; }

    public WindowIdentity Identity => new(Hwnd, Hdesk, Name);

    /// <summary>True while the window does not answer messages.</summary>
    public bool IsHung
    {
        get { lock (_sync) { return _hung; } }
    }

    /// <summary>The messages whose window procedure ran, in order.</summary>
    public IReadOnlyList<DeliveredWindowMessage> Received
    {
        get { lock (_sync) { return [.. _received]; } }
    }

    /// <summary>Posted or notified messages still waiting in a hung window's queue.</summary>
    public int QueuedCount
    {
        get { lock (_sync) { return _backlog.Count; } }
    }

    /// <summary>Stop answering messages.</summary>
    public void Hang()
    {
        lock (_sync) { _hung = true; }
    }

    /// <summary>Answer messages again, first running everything that queued up while the window was hung.</summary>
    public void Resume()
    {
        while (true)
        {
            DeliveredWindowMessage next;
            lock (_sync)
            {
                if (!_backlog.TryDequeue(out next!))
                {
                    _hung = false;
                    return;
                }
            }

            Run(next);
        }
    }

    /// <summary>Queue (post or notify) a message: it runs now, or when the window resumes if it is hung.</summary>
    internal void Enqueue(DeliveredWindowMessage message)
    {
        lock (_sync)
        {
            if (_hung)
            {
                _backlog.Enqueue(message);
                return;
            }
        }

        Run(message);
    }

    /// <summary>Run the window procedure at once, as a synchronous send does; the caller has checked the window is not hung.</summary>
    internal nint Run(DeliveredWindowMessage message)
    {
        if (_recordsMessages)
        {
            lock (_sync) { _received.Add(message); }
        }

        // DefWindowProc answers 0 for the messages a broadcast carries.
        return _procedure?.Invoke(this, message) ?? 0;
    }

    public override string ToString() => $"{Name} (hwnd 0x{Hwnd:X}, pid {ProcessId})";
}
