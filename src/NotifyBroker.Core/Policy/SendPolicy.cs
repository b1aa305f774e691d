using NotifyBroker.Core.Aliases;
using NotifyBroker.Core.Errors;

namespace NotifyBroker.Core.Policy;

/// <summary>A Send that passed validation, with defaults filled in.</summary>
internal sealed record ValidSend(string MsgName, string FromName, string Text, string Title, uint Style, TimeSpan Timeout);

/// <summary>Validates a Send: servername local, msgname required, text within the limit, fromname defaulted.</summary>
internal sealed class SendPolicy
{
    private readonly LocalServerName _server;
    private readonly string _hostName;
    private readonly int _maxTextLength;

    public SendPolicy(LocalServerName server, string hostName, int maxTextLength)
    {
        _server = server;
        _hostName = hostName;
        _maxTextLength = maxTextLength;
    }

    public ValidSend Validate(BrokerSendRequest request)
    {
        _server.Ensure(request.ServerName);
        var msgName = AliasName.Validate(request.MsgName, "msgname");
        var text = request.Text ?? "";

        // string.Length counts UTF-16 code units, the unit NetMessageBufferSend's buffer is measured in.
        if (text.Length > _maxTextLength)
        {
            throw new BrokerException(Win32Error.ERROR_INVALID_PARAMETER, $"The text has {text.Length} UTF-16 code units; at most {_maxTextLength} are allowed.");
        }

        if (request.Timeout < TimeSpan.Zero)
        {
            throw new BrokerException(Win32Error.ERROR_INVALID_PARAMETER, "The timeout must not be negative.");
        }

        var fromName = string.IsNullOrEmpty(request.FromName) ? _hostName : request.FromName;
        return new ValidSend(msgName, fromName, text, request.Title ?? "", request.Style, request.Timeout);
    }
}
