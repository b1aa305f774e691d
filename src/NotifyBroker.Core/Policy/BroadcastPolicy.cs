using System.Globalization;
using NotifyBroker.Core.Desktop;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Security;
using static NotifyBroker.Core.Desktop.BroadcastFlags;

namespace NotifyBroker.Core.Policy;

/// <summary>
/// The one place a Broadcast is checked, for the request's caller, before the desktop sees any of it:
/// <list type="number">
/// <item>its shape (ERROR_INVALID_PARAMETER): what Win32 would refuse or what would be unsafe — unknown BSF/BSM bits,
/// BSF_QUERY with an asynchronous mode, two asynchronous modes, ids above 0xFFFF, a raw pointer in lParam, a payload
/// the message cannot carry (Win32's own checks are <see cref="BroadcastFlags.EnsureValid"/> and the pointer rule
/// <see cref="PointerMessages.EnsureFits"/>; two asynchronous modes at once is the broker's own refusal);</item>
/// <item>who may send it (ERROR_ACCESS_DENIED → PERMISSION_DENIED): notify:broadcast; BSM_ALLDESKTOPS needs
/// notify:admin; the message must be allowed by <see cref="MessageRules"/> (rules "always_refused" and
/// "not_allowed", see <see cref="BroadcastPolicyOptions"/>);</item>
/// <item>its size: the event it would cause must fit <see cref="BrokerOptions.MaxEventBytes"/> (see <see cref="RequestSize"/>);</item>
/// <item>a message named by registered_name is registered within the caller's quota (<see cref="RegisteredNameQuota"/>,
/// ERROR_NOT_ENOUGH_QUOTA → RESOURCE_EXHAUSTED).</item>
/// </list>
/// Then pointer messages are forced to a synchronous send and every command gets an explicit delivery mode.
/// </summary>
/// <remarks>
/// String bounds: a registered name has 1 to 255 characters (an atom; the desktop refuses more); a Text payload and
/// WM_COPYDATA's bytes are bounded only by <see cref="BrokerOptions.MaxEventBytes"/>.
/// </remarks>
internal sealed class BroadcastPolicy
{
    /// <summary>
    /// The longest per-window wait a broadcast may ask for. Windows itself calls an application hung after 5 s without
    /// pumping messages; a minute per window is far past any recipient that is merely slow. (SendMessageTimeout's own
    /// uTimeout would allow 49 days, and every second of a wait holds one of the desktop's few broadcast threads.)
    /// </summary>
    internal static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(60);

    private readonly TimeSpan _defaultTimeout;
    private readonly int _maxEventBytes;
    private readonly MessageRules _rules;
    private readonly RegisteredNameQuota _names;

    public BroadcastPolicy(BrokerOptions options, TimeProvider time)
    {
        if (options.DefaultBroadcastTimeout > MaxTimeout)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.DefaultBroadcastTimeout, $"Broker:DefaultBroadcastTimeout must be at most {MaxTimeout.TotalSeconds:0} s.");
        }

        _defaultTimeout = options.DefaultBroadcastTimeout;
        _maxEventBytes = options.MaxEventBytes;
        _rules = MessageRules.From(options.Policy);
        _names = new RegisteredNameQuota(options.Policy, time);
    }

    /// <summary>
    /// Everything that can be decided without the desktop: shape, scopes, the message (when given by id) and the event
    /// size. Throws the first failure.
    /// </summary>
    public void Check(BrokerBroadcastRequest request, Caller caller, string hostName)
    {
        ValidateShape(request);
        Authorize(request, caller);
        if (request.MessageId is { } messageId)
        {
            PointerMessages.EnsureFits(messageId, request.LParam, request.Payload);
        }
        else
        {
            // A registered message's lParam is an integer: refuse a payload before the name takes an atom.
            PointerMessages.EnsureFits(WindowMessages.RegisteredFirst, request.LParam, request.Payload);
        }

        RequestSize.Ensure(RequestSize.OfBroadcast(request, hostName), _maxEventBytes);
    }

    /// <summary>Register <paramref name="name"/> for <paramref name="caller"/> within its quota, with <paramref name="register"/>.</summary>
    public uint RegisterName(Caller caller, string name, Func<string, uint> register) => _names.Register(caller, name, register);

    /// <summary>ERROR_ACCESS_DENIED unless <paramref name="caller"/> may broadcast <paramref name="messageId"/> at all.</summary>
    public void AuthorizeMessage(Caller caller, uint messageId)
    {
        switch (_rules.Classify(messageId))
        {
            case MessageClass.AlwaysRefused:
                throw BrokerException.Denied("always_refused",
                    $"{MessageNames.Describe(messageId)} is refused for every caller, notify:admin included: it can end windows, " +
                    "the listener or the session, or is private to a window class. Only the operator's " +
                    "Broker:Policy:AllowAlwaysRefused can lift it, by name.",
                    MessageDetails(messageId));
            case MessageClass.AdminOnly when !caller.IsAdmin:
                throw BrokerException.Denied("not_allowed",
                    $"{MessageNames.Describe(messageId)} is outside the default broadcast policy: it needs notify:admin, " +
                    "or the operator's Broker:Policy:AllowMessages.",
                    MessageDetails(messageId));
        }
    }

    private void Authorize(BrokerBroadcastRequest request, Caller caller)
    {
        if (!caller.Has(BrokerScopes.Broadcast))
        {
            throw BrokerException.MissingScope(BrokerScopes.Broadcast, $"Broadcast needs the scope {BrokerScopes.Broadcast}.");
        }

        if ((request.Recipients & BroadcastRecipients.BSM_ALLDESKTOPS) != 0 && !caller.IsAdmin)
        {
            throw BrokerException.MissingScope(BrokerScopes.Admin, $"BSM_ALLDESKTOPS reaches every desktop: it needs the scope {BrokerScopes.Admin}.");
        }

        if (request.MessageId is { } messageId)
        {
            AuthorizeMessage(caller, messageId);
        }
    }

    private static Dictionary<string, string> MessageDetails(uint messageId)
    {
        var details = new Dictionary<string, string> { ["message_id"] = MessageNames.Hex(messageId) };
        if (MessageNames.NameOf(messageId) is { } name)
        {
            details["message_name"] = name;
        }

        return details;
    }

    /// <summary>Validate everything but the message name, which needs the desktop.</summary>
    private static void ValidateShape(BrokerBroadcastRequest request)
    {
        var flags = request.Flags;
        BroadcastFlags.EnsureValid(flags, request.Recipients);
        if ((flags & AsynchronousModes) == AsynchronousModes)
        {
            throw Invalid("BSF_POSTMESSAGE and BSF_SENDNOTIFYMESSAGE are two different delivery modes; pick one.");
        }

        if (request.MessageId.HasValue == (request.RegisteredName is not null))
        {
            throw Invalid("Give exactly one of a message id and a registered message name.");
        }

        if (request.MessageId > WindowMessages.RegisteredLast)
        {
            throw Invalid("Message ids above 0xFFFF are reserved.");
        }

        if (request.Timeout < TimeSpan.Zero || request.Timeout > MaxTimeout)
        {
            throw new BrokerException(
                Win32Error.ERROR_INVALID_PARAMETER,
                $"The timeout is the wait for each window of a synchronous send: from zero (the broker's default) to {MaxTimeout.TotalSeconds:0} s; " +
                $"{request.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s was given.")
            {
                Details = new Dictionary<string, string>
                {
                    ["field"] = "timeout",
                    ["limit"] = "max_broadcast_timeout",
                    ["max_seconds"] = MaxTimeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture),
                },
            };
        }
    }

    /// <summary>Build the command for <paramref name="messageId"/> (resolved from the request).</summary>
    public BroadcastCommand ToCommand(BrokerBroadcastRequest request, Caller caller, uint messageId)
    {
        // Again for the resolved id: a registered name always resolves into the registered range, but a desktop that
        // answered otherwise must not open a way around the policy.
        AuthorizeMessage(caller, messageId);
        PointerMessages.EnsureFits(messageId, request.LParam, request.Payload);

        var flags = request.Flags;
        if (PointerMessages.NeedsSynchronousSend(messageId))
        {
            flags &= ~AsynchronousModes;
        }

        if (IsSynchronous(flags))
        {
            flags |= ExplicitSynchronousMode;
        }

        var timeout = request.Timeout == TimeSpan.Zero ? _defaultTimeout : request.Timeout;
        return new BroadcastCommand(flags, request.Recipients, messageId, request.WParam, request.LParam, request.Payload, timeout);
    }

    private static BrokerException Invalid(string message) => new(Win32Error.ERROR_INVALID_PARAMETER, message);
}
