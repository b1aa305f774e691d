using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Errors;
using NotifyBroker.Server.Security.RateLimiting;

namespace NotifyBroker.Server.Security;

/// <summary>notify.v1.Keys: the API keys of this broker, for admins (`notify key create | list | revoke`).</summary>
[Authorize(ScopePolicies.Admin)]
[EnableRateLimiting(NotifyRateLimits.Calls)]
internal sealed class KeysService : Contracts.V1.Keys.KeysBase
{
    private static readonly RevokeKeyReply Revoked = new();

    private readonly ApiKeyStore _keys;

    public KeysService(ApiKeyStore keys)
    {
        _keys = keys;
    }

    public override Task<CreateKeyReply> CreateKey(CreateKeyRequest request, ServerCallContext context)
    {
        try
        {
            var (record, secret) = _keys.Create(request.Name, request.Scopes);
            return Task.FromResult(new CreateKeyReply { Key = ToContract(record), Secret = secret });
        }
        catch (ArgumentException error)
        {
            throw Refused(StatusCode.InvalidArgument, "INVALID_KEY_REQUEST", error.Message.Split(" (Parameter")[0]);
        }
    }

    public override Task<ListKeysReply> ListKeys(ListKeysRequest request, ServerCallContext context)
    {
        var reply = new ListKeysReply();
        reply.Keys.AddRange(_keys.List().Select(ToContract));
        return Task.FromResult(reply);
    }

    public override Task<RevokeKeyReply> RevokeKey(RevokeKeyRequest request, ServerCallContext context)
    {
        try
        {
            return _keys.Revoke(request.Id)
                ? Task.FromResult(Revoked)
                : throw Refused(StatusCode.NotFound, "KEY_NOT_FOUND", $"No stored key has the id '{request.Id}'.");
        }
        catch (InvalidOperationException error)
        {
            throw Refused(StatusCode.FailedPrecondition, "KEY_FROM_CONFIGURATION", error.Message);
        }
    }

    private static RpcException Refused(StatusCode code, string reason, string message) =>
        NotifyStatus.Create(code, message, new Google.Rpc.ErrorInfo { Domain = NotifyStatus.Domain, Reason = reason });

    private static KeyInfo ToContract(ApiKeyRecord record)
    {
        var info = new KeyInfo
        {
            Id = record.Id,
            Name = record.Name,
            Created = Timestamp.FromDateTimeOffset(record.Created),
            Source = record.Source == ApiKeySource.Store ? "store" : "configuration",
        };
        info.Scopes.AddRange(record.Scopes);
        return info;
    }
}
