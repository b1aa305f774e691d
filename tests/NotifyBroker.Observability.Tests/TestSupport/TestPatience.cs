namespace NotifyBroker.Observability.Tests.TestSupport;

/// <summary>How long a test waits for something that must happen; only a guard against hangs, never a measurement.</summary>
internal static class TestPatience
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
}
