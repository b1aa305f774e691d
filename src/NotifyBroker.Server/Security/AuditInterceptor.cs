using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using NotifyBroker.Contracts.V1;

namespace NotifyBroker.Server.Security;

/// <summary>
/// The audit trail: one structured event (category "NotifyBroker.Audit") per Send, Broadcast, alias change and key
/// change, naming the identity, the call, its target, the message id and the outcome. No message text unless
/// Security:AuditMessageText is set. Calls refused before they reach a service (no identity, a missing scope, a rate
/// limit) are not here: ASP.NET Core's authorization and rate limiter log those.
/// </summary>
internal sealed partial class AuditInterceptor : Interceptor
{
    private readonly ILogger _logger;
    private readonly bool _withText;

    public AuditInterceptor(ILoggerFactory loggers, IOptions<SecurityOptions> options)
    {
        _logger = loggers.CreateLogger("NotifyBroker.Audit");
        _withText = options.Value.AuditMessageText;
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (!IsAudited(request))
        {
            return await continuation(request, context).ConfigureAwait(false);
        }

        var identity = CallerClaims.ToCaller(context.GetHttpContext().User)?.Id ?? "anonymous";
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            Write(identity, context.Method, request, response, "OK");
            return response;
        }
        catch (RpcException error)
        {
            Write(identity, context.Method, request, null, error.StatusCode.ToString());
            throw;
        }
        catch (Exception)
        {
            Write(identity, context.Method, request, null, nameof(StatusCode.Unknown));
            throw;
        }
    }

    private static bool IsAudited(object request) =>
        request is SendRequest or BroadcastRequest or AddAliasRequest or DeleteAliasRequest or CreateKeyRequest or RevokeKeyRequest;

    private void Write(string identity, string method, object request, object? response, string outcome)
    {
        switch (request)
        {
            case SendRequest send:
                Audited(_logger, identity, method, $@"\\{send.ServerName}\{send.MsgName}", "", outcome, _withText ? send.Text : null);
                break;
            case BroadcastRequest broadcast:
                var message = broadcast.MessageCase == BroadcastRequest.MessageOneofCase.RegisteredName
                    ? broadcast.RegisteredName
                    : $"0x{broadcast.MessageId:X4}";
                var id = (response as BroadcastReply)?.MessageId is { } resolved and not 0 ? $"0x{resolved:X4}" : message;
                Audited(_logger, identity, method, $"recipients=0x{broadcast.Recipients:X} flags=0x{broadcast.Flags:X}", id, outcome, null);
                break;
            case AddAliasRequest add:
                Audited(_logger, identity, method, add.Name, "", outcome, null);
                break;
            case DeleteAliasRequest delete:
                Audited(_logger, identity, method, delete.Name, "", outcome, null);
                break;
            case CreateKeyRequest create:
                var created = (response as CreateKeyReply)?.Key?.Id ?? "";
                Audited(_logger, identity, method, $"{create.Name} id={created} scopes={string.Join(' ', create.Scopes)}", "", outcome, null);
                break;
            case RevokeKeyRequest revoke:
                Audited(_logger, identity, method, revoke.Id, "", outcome, null);
                break;
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "audit identity={Identity} call={Call} target={Target} message={MessageId} outcome={Outcome} text={Text}")]
    private static partial void Audited(ILogger logger, string identity, string call, string target, string messageId, string outcome, string? text);
}
