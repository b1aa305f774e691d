namespace NotifyBroker.Core.Policy;

/// <summary>
/// The operator's broadcast policy, bound from "Broker:Policy" (e.g. <c>--Broker:Policy:AllowMessages:0=WM_POWERBROADCAST</c>).
/// </summary>
/// <remarks>
/// <para>What every caller with <c>notify:broadcast</c> may broadcast without any of this: registered messages
/// (0xC000-0xFFFF), the WM_APP range (0x8000-0xBFFF), WM_COPYDATA, and the notifications WM_SETTINGCHANGE,
/// WM_DEVMODECHANGE, WM_FONTCHANGE and WM_TIMECHANGE.</para>
/// <para>Any other id below 0xC000 is refused (PERMISSION_DENIED, rule "not_allowed") unless the caller has
/// <c>notify:admin</c> or <see cref="AllowMessages"/> lists it.</para>
/// <para>Always refused, for every identity (admin and the in-process operator included) and whatever the lists above
/// say: WM_DESTROY, WM_CLOSE, WM_QUERYENDSESSION, WM_QUIT, WM_ENDSESSION, WM_SYSCOMMAND and every WM_USER+n
/// (0x0400-0x7FFF, private to the window class that defines it). Rule "always_refused". Only
/// <see cref="AllowAlwaysRefused"/> lifts one, and then it is an ordinary message outside the default policy: admins
/// may broadcast it, other callers only if <see cref="AllowMessages"/> lists it too.</para>
/// </remarks>
public sealed class BroadcastPolicyOptions
{
    /// <summary>The most names one broker may register in the desktop's session-wide atom table (the 16,384 ids 0xC000-0xFFFF).</summary>
    public const int RegisteredIdCount = (int)(Desktop.WindowMessages.RegisteredLast - Desktop.WindowMessages.RegisteredFirst + 1);

    /// <summary>
    /// Messages below 0xC000 that callers without <c>notify:admin</c> may broadcast too. Each entry is an id
    /// ("0x0219", "537"), a name ("WM_POWERBROADCAST", "WM_APP+1") or an inclusive range of two ("0x0400-0x04FF").
    /// Never lifts an always-refused message (a range over them skips them; a single one is a configuration error
    /// unless <see cref="AllowAlwaysRefused"/> names it). Empty by default.
    /// </summary>
    public List<string> AllowMessages { get; set; } = [];

    /// <summary>
    /// Always-refused messages the operator lifts, one by one, by name or id ("WM_ENDSESSION", "0x0016",
    /// "WM_USER+1"); ranges are not accepted, and naming one WM_USER+n lifts only that id. A lifted message needs
    /// <c>notify:admin</c>, or an <see cref="AllowMessages"/> entry as well. Empty by default.
    /// </summary>
    public List<string> AllowAlwaysRefused { get; set; } = [];

    /// <summary>
    /// How many distinct registered names (Broadcast by registered_name) one identity may make the broker register,
    /// 64 by default. A name the broker already registered, for anyone, does not count again. Admins are bounded
    /// only by <see cref="MaxRegisteredNames"/>. 0: callers without admin can only use names already registered.
    /// </summary>
    public int MaxRegisteredNamesPerIdentity { get; set; } = 64;

    /// <summary>
    /// How many new registered names one identity may introduce per minute (a token bucket of this size that refills
    /// evenly over a minute), 10 by default. Admins are not rate-limited. Over it: RESOURCE_EXHAUSTED with RetryInfo.
    /// </summary>
    public int NewRegisteredNamesPerMinute { get; set; } = 10;

    /// <summary>
    /// How many distinct names the broker registers at most, for all identities together (admins included), 1,024 by
    /// default. Registered ids come from 0xC000-0xFFFF, a table the whole session shares and that is never freed
    /// until logoff, so this is what keeps the broker from exhausting it; it also bounds the per-identity tracking.
    /// </summary>
    public int MaxRegisteredNames { get; set; } = 1024;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(AllowMessages, nameof(AllowMessages));
        ArgumentNullException.ThrowIfNull(AllowAlwaysRefused, nameof(AllowAlwaysRefused));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRegisteredNamesPerIdentity, 0, nameof(MaxRegisteredNamesPerIdentity));
        ArgumentOutOfRangeException.ThrowIfLessThan(NewRegisteredNamesPerMinute, 0, nameof(NewRegisteredNamesPerMinute));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRegisteredNames, 0, nameof(MaxRegisteredNames));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRegisteredNames, RegisteredIdCount, nameof(MaxRegisteredNames));
        _ = MessageRules.From(this);
    }

    internal static ArgumentOutOfRangeException Invalid(string setting, object? value, string message) =>
        new("Policy." + setting, value, message);
}
