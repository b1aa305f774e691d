using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Desktop.InMemory;

namespace NotifyBroker.Core.Tests.TestSupport;

/// <summary>An in-memory desktop that also remembers the commands the core handed it.</summary>
internal sealed class RecordingDesktop : IDesktop
{
    private readonly List<BroadcastCommand> _broadcasts = [];

    public RecordingDesktop(InMemoryDesktop? inner = null)
    {
        Inner = inner ?? new InMemoryDesktop(new InMemoryDesktopOptions { HostName = TestBroker.HostName });
    }

    public InMemoryDesktop Inner { get; }

    public BroadcastCommand LastBroadcast
    {
        get { lock (_broadcasts) { return _broadcasts[^1]; } }
    }

    public int BroadcastCount
    {
        get { lock (_broadcasts) { return _broadcasts.Count; } }
    }

    public string HostName => Inner.HostName;

    public DesktopCapabilities Capabilities => Inner.Capabilities;

    public uint RegisterWindowMessage(string name) => Inner.RegisterWindowMessage(name);

    public string? GetRegisteredMessageName(uint messageId) => Inner.GetRegisteredMessageName(messageId);

    public ValueTask<BroadcastOutcome> BroadcastAsync(BroadcastCommand command, CancellationToken cancellationToken)
    {
        lock (_broadcasts) { _broadcasts.Add(command); }
        return Inner.BroadcastAsync(command, cancellationToken);
    }

    public ValueTask<SessionSendOutcome> SendToSessionAsync(SessionMessage message, CancellationToken cancellationToken) =>
        Inner.SendToSessionAsync(message, cancellationToken);

    public ValueTask StartListeningAsync(IWindowMessageSink sink, CancellationToken cancellationToken) =>
        Inner.StartListeningAsync(sink, cancellationToken);

    public ValueTask StopListeningAsync(CancellationToken cancellationToken) => Inner.StopListeningAsync(cancellationToken);

    public ValueTask DisposeAsync() => Inner.DisposeAsync();
}
