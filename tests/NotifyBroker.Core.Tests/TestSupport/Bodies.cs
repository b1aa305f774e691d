using NotifyBroker.Core.Events;

namespace NotifyBroker.Core.Tests.TestSupport;

/// <summary>Event bodies for engine tests.</summary>
internal static class Bodies
{
    public static WindowMessageBody Window(uint messageId, ulong wParam = 0) =>
        new(messageId, null, wParam, 0, null, WindowMessageOrigin.Desktop, "HOST", null, DateTimeOffset.UnixEpoch, 0, null);

    public static AliasMessageBody Alias(string alias, string text = "") => new("from", alias, text, "HOST");
}
