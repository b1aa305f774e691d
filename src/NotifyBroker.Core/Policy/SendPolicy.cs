using System.Globalization;
using NotifyBroker.Core.Aliases;
using NotifyBroker.Core.Errors;
using NotifyBroker.Core.Security;

namespace NotifyBroker.Core.Policy;

/// <summary>A Send that passed validation, with defaults filled in.</summary>
internal sealed record ValidSend(string MsgName, string FromName, string Text, string Title, uint Style, TimeSpan Timeout);

/// <summary>
/// Validates a Send for its caller, before anything is delivered:
/// <list type="bullet">
/// <item>the caller needs notify:send (ERROR_ACCESS_DENIED);</item>
/// <item>servername is local (NERR_InvalidComputer);</item>
/// <item>bounds, each ERROR_INVALID_PARAMETER naming the field and its bound, all in UTF-16 code units: msgname
/// 1 to <see cref="AliasName.MaxLength"/> printable characters, from_name at most
/// <see cref="BrokerOptions.MaxFromNameLength"/>, title at most <see cref="BrokerOptions.MaxTitleLength"/>, text at
/// most <see cref="BrokerOptions.MaxTextLength"/>; and the alias event they make at most
/// <see cref="BrokerOptions.MaxEventBytes"/> (detail "limit" = "max_event_bytes");</item>
/// <item>the timeout (the session path's wait for the user) is zero to <see cref="MaxTimeout"/> (ERROR_INVALID_PARAMETER,
/// detail "limit" = "max_send_timeout");</item>
/// <item>from_name is the caller's own name: empty becomes <see cref="Caller.Name"/> (its id when the name is empty), and
/// any other name needs notify:from_name (admins have it). The in-process <see cref="Caller.Operator"/> keeps the
/// NetMessageBufferSend default: empty is the host name.</item>
/// </list>
/// </summary>
internal sealed class SendPolicy
{
    /// <summary>
    /// The longest a Send may ask the session path to wait for the user's answer (WTSSendMessage's Timeout, whole
    /// seconds, per session). The API would take a DWORD of seconds (136 years); every second of a wait holds one of
    /// the desktop's few session threads, and ten minutes is far past what msg.exe users wait.
    /// </summary>
    internal static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    private readonly LocalServerName _server;
    private readonly string _hostName;
    private readonly string _brokerName;
    private readonly int _maxTextLength;
    private readonly int _maxFromNameLength;
    private readonly int _maxTitleLength;
    private readonly int _maxEventBytes;

    public SendPolicy(LocalServerName server, string hostName, string brokerName, BrokerOptions options)
    {
        _server = server;
        _hostName = hostName;
        _brokerName = brokerName;
        _maxTextLength = options.MaxTextLength;
        _maxFromNameLength = options.MaxFromNameLength;
        _maxTitleLength = options.MaxTitleLength;
        _maxEventBytes = options.MaxEventBytes;
    }

    public ValidSend Validate(BrokerSendRequest request)
    {
        var caller = request.Caller ?? Caller.Operator;
        if (!caller.Has(BrokerScopes.Send))
        {
            throw BrokerException.MissingScope(BrokerScopes.Send, $"Send needs the scope {BrokerScopes.Send}.");
        }

        _server.Ensure(request.ServerName);
        var msgName = AliasName.Validate(request.MsgName, "msgname");

        // string.Length counts UTF-16 code units, the unit NetMessageBufferSend's buffer is measured in.
        var text = request.Text ?? "";
        EnsureLength("text", text, _maxTextLength, "MaxTextLength", "max_text_length");
        var requestedFrom = request.FromName ?? "";
        EnsureLength("from_name", requestedFrom, _maxFromNameLength, "MaxFromNameLength", "max_from_name_length");
        var title = request.Title ?? "";
        EnsureLength("title", title, _maxTitleLength, "MaxTitleLength", "max_title_length");

        if (request.Timeout < TimeSpan.Zero || request.Timeout > MaxTimeout)
        {
            throw new BrokerException(
                Win32Error.ERROR_INVALID_PARAMETER,
                $"The timeout is how long the session path waits for the user's answer: from zero (do not wait) to {MaxTimeout.TotalSeconds:0} s; " +
                $"{request.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s was given.")
            {
                Details = new Dictionary<string, string>
                {
                    ["field"] = "timeout",
                    ["limit"] = "max_send_timeout",
                    ["max_seconds"] = MaxTimeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture),
                },
            };
        }

        var fromName = FromNameFor(caller, requestedFrom);
        RequestSize.Ensure(RequestSize.OfSend(fromName, msgName, text, title, _brokerName), _maxEventBytes);
        return new ValidSend(msgName, fromName, text, title, request.Style, request.Timeout);
    }

    private string FromNameFor(Caller caller, string requested)
    {
        var own = ReferenceEquals(caller, Caller.Operator) ? _hostName : OwnName(caller);
        if (requested.Length == 0)
        {
            return own;
        }

        if (!string.Equals(requested, own, StringComparison.Ordinal) && !caller.Has(BrokerScopes.FromName))
        {
            throw BrokerException.MissingScope(BrokerScopes.FromName,
                $"from_name '{requested}' is not the caller's own name ('{own}'): naming another sender needs the scope {BrokerScopes.FromName}. " +
                "Leave from_name empty to send as yourself.");
        }

        return requested;
    }

    private static string OwnName(Caller caller) => string.IsNullOrEmpty(caller.Name) ? caller.Id : caller.Name;

    private static void EnsureLength(string field, string value, int max, string setting, string limit)
    {
        if (value.Length <= max)
        {
            return;
        }

        throw new BrokerException(Win32Error.ERROR_INVALID_PARAMETER,
            $"The {field} has {value.Length} UTF-16 code units; at most {max} are allowed (Broker:{setting}).")
        {
            Details = new Dictionary<string, string>
            {
                ["field"] = field,
                ["limit"] = limit,
                ["max_length"] = max.ToString(CultureInfo.InvariantCulture),
            },
        };
    }
}
