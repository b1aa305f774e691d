using System.Collections;
using System.Collections.Frozen;
using NotifyBroker.Core.Desktop;
using static NotifyBroker.Core.Desktop.WindowMessages;
using static NotifyBroker.Core.Policy.MessageNames;

namespace NotifyBroker.Core.Policy;

/// <summary>Which class of the broadcast policy a message id falls in.</summary>
internal enum MessageClass
{
    /// <summary>Any caller with notify:broadcast: registered, WM_APP, WM_COPYDATA, the listed notifications.</summary>
    Default,
    /// <summary>Outside the default policy but listed by the operator's AllowMessages: any caller with notify:broadcast.</summary>
    OperatorAllowed,
    /// <summary>Outside the default policy: notify:admin only.</summary>
    AdminOnly,
    /// <summary>Refused for everyone, the operator included, unless the operator lifted it by name.</summary>
    AlwaysRefused,
}

/// <summary>
/// The message half of the broadcast policy, compiled from <see cref="BroadcastPolicyOptions"/>: which ids are allowed
/// by default, which the operator allows, which are always refused and which of those the operator lifted.
/// </summary>
internal sealed class MessageRules
{
    /// <summary>The system notifications every broadcaster may send: each tells windows to re-read a system setting.</summary>
    public static readonly FrozenSet<uint> DefaultNotifications =
        new[] { WM_SETTINGCHANGE, WM_DEVMODECHANGE, WM_FONTCHANGE, WM_TIMECHANGE }.ToFrozenSet();

    /// <summary>Messages that end windows, threads or the session, or act as the user (WM_SYSCOMMAND).</summary>
    public static readonly FrozenSet<uint> AlwaysRefusedSystemMessages =
        new[] { WM_DESTROY, WM_CLOSE, WM_QUERYENDSESSION, WM_QUIT, WM_ENDSESSION, WM_SYSCOMMAND }.ToFrozenSet();

    // One bit per id below the registered range.
    private readonly BitArray _operatorAllowed;
    private readonly FrozenSet<uint> _lifted;

    private MessageRules(BitArray operatorAllowed, FrozenSet<uint> lifted)
    {
        _operatorAllowed = operatorAllowed;
        _lifted = lifted;
    }

    /// <summary>True for the ids refused to everyone by default: the system messages above and WM_USER+n (0x0400-0x7FFF).</summary>
    public static bool IsAlwaysRefusedByDefault(uint id) =>
        AlwaysRefusedSystemMessages.Contains(id) || id is >= WM_USER and < WM_APP;

    /// <summary>True for what any broadcaster may send.</summary>
    public static bool IsDefaultAllowed(uint id) =>
        WindowMessages.IsRegisteredRange(id) || id is >= WM_APP and < WindowMessages.RegisteredFirst ||
        id == WM_COPYDATA || DefaultNotifications.Contains(id);

    public MessageClass Classify(uint id)
    {
        if (IsAlwaysRefusedByDefault(id) && !_lifted.Contains(id))
        {
            return MessageClass.AlwaysRefused;
        }

        if (IsDefaultAllowed(id))
        {
            return MessageClass.Default;
        }

        return id < WindowMessages.RegisteredFirst && _operatorAllowed[(int)id] ? MessageClass.OperatorAllowed : MessageClass.AdminOnly;
    }

    /// <summary>Parse the operator's lists; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad entry.</summary>
    public static MessageRules From(BroadcastPolicyOptions options)
    {
        var lifted = new HashSet<uint>();
        for (var i = 0; i < options.AllowAlwaysRefused.Count; i++)
        {
            var entry = options.AllowAlwaysRefused[i];
            var setting = $"{nameof(BroadcastPolicyOptions.AllowAlwaysRefused)}[{i}]";
            if (!TryParseId(entry, out var id))
            {
                var isRange = TryParseRange(entry, out var first, out var last) && first != last;
                throw BroadcastPolicyOptions.Invalid(setting, entry, isRange
                    ? "Always-refused messages are lifted one by one: give one name or id per entry, not a range."
                    : "Give a message name (WM_ENDSESSION, WM_USER+1) or id (0x0016).");
            }

            if (!IsAlwaysRefusedByDefault(id))
            {
                throw BroadcastPolicyOptions.Invalid(setting, entry, IsDefaultAllowed(id)
                    ? $"{Describe(id)} is not an always-refused message: the default policy allows it already."
                    : $"{Describe(id)} is not an always-refused message; list it in {nameof(BroadcastPolicyOptions.AllowMessages)} instead.");
            }

            lifted.Add(id);
        }

        var allowed = new BitArray((int)WindowMessages.RegisteredFirst);
        for (var i = 0; i < options.AllowMessages.Count; i++)
        {
            var entry = options.AllowMessages[i];
            var setting = $"{nameof(BroadcastPolicyOptions.AllowMessages)}[{i}]";
            if (!TryParseRange(entry, out var first, out var last))
            {
                throw BroadcastPolicyOptions.Invalid(setting, entry,
                    "Give a message name (WM_POWERBROADCAST, WM_APP+1), an id (0x0218) or a range of two (0x0400-0x04FF).");
            }

            if (last > WindowMessages.RegisteredLast)
            {
                throw BroadcastPolicyOptions.Invalid(setting, entry, "Message ids above 0xFFFF are reserved.");
            }

            if (first == last && IsAlwaysRefusedByDefault(first) && !lifted.Contains(first))
            {
                throw BroadcastPolicyOptions.Invalid(setting, entry,
                    $"{Describe(first)} is always refused: name it in {nameof(BroadcastPolicyOptions.AllowAlwaysRefused)} to lift it " +
                    $"({nameof(BroadcastPolicyOptions.AllowMessages)} then lets callers without notify:admin broadcast it).");
            }

            for (var id = first; id <= last && id < WindowMessages.RegisteredFirst; id++)
            {
                allowed[(int)id] = true;
            }
        }

        return new MessageRules(allowed, lifted.ToFrozenSet());
    }
}
