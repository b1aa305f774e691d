using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Security;
using NotifyBroker.Server.Tests.TestSupport;
using static NotifyBroker.Server.Tests.Security.SecurityTestSupport;

namespace NotifyBroker.Server.Tests.Security;

/// <summary>Identity on every Notifier and Keys call: no key, a wrong key, a revoked key; health and reflection.</summary>
public sealed class AuthenticationTests
{
    public static TheoryData<string> NotifierCalls => ["Send", "Broadcast", "Subscribe", "AddAlias", "DeleteAlias", "ListAliases"];

    [Theory]
    [MemberData(nameof(NotifierCalls))]
    public async Task Every_Notifier_call_without_credentials_is_UNAUTHENTICATED(string method)
    {
        await using var host = await BrokerTestHost.StartAsync();
        var (channel, anonymous) = ClientWith(host, key: null);
        using var _ = channel;

        var info = await FailsWithAsync(StatusCode.Unauthenticated, () => Call(anonymous, method));

        Assert.Equal("CREDENTIALS_MISSING", info.Reason);
    }

    [Theory]
    [MemberData(nameof(NotifierCalls))]
    public async Task A_key_the_broker_does_not_know_is_UNAUTHENTICATED(string method)
    {
        await using var host = await BrokerTestHost.StartAsync();
        var (channel, stranger) = ClientWith(host, "nbk_0123456789ab_not-a-real-secret-at-all-000000000000000");
        using var _ = channel;

        var info = await FailsWithAsync(StatusCode.Unauthenticated, () => Call(stranger, method));

        Assert.Equal("CREDENTIALS_INVALID", info.Reason);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_from_the_next_call_on()
    {
        await using var host = await BrokerTestHost.StartAsync();
        var secret = await CreateKeyAsync(host, "short-lived", BrokerScopes.Aliases);
        var (channel, client) = ClientWith(host, secret);
        using var _ = channel;
        await client.ListAliasesAsync(new ListAliasesRequest());

        var keys = new Keys.KeysClient(host.Channel);
        var id = (await keys.ListKeysAsync(new ListKeysRequest())).Keys.Single(k => k.Name == "short-lived").Id;
        await keys.RevokeKeyAsync(new RevokeKeyRequest { Id = id });

        var info = await FailsWithAsync(StatusCode.Unauthenticated, async () => await client.ListAliasesAsync(new ListAliasesRequest()));
        Assert.Equal("CREDENTIALS_INVALID", info.Reason);
        Assert.DoesNotContain((await keys.ListKeysAsync(new ListKeysRequest())).Keys, k => k.Id == id);
    }

    [Fact]
    public async Task Health_needs_no_credentials()
    {
        await using var host = await BrokerTestHost.StartAsync();
        using var channel = host.Host.CreateChannel(key: null);

        var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "notify.v1.Notifier" });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task Reflection_needs_an_identity_unless_configured_open()
    {
        await using (var closed = await BrokerTestHost.StartAsync())
        {
            using var anonymous = closed.Host.CreateChannel(key: null);
            var error = await Assert.ThrowsAsync<RpcException>(() => ListServicesAsync(anonymous));
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
            Assert.Contains("notify.v1.Notifier", await ListServicesAsync(closed.Channel));
        }

        await using var open = await BrokerTestHost.StartAsync("Security:AnonymousReflection=true");
        using var channel = open.Host.CreateChannel(key: null);
        Assert.Contains("notify.v1.Keys", await ListServicesAsync(channel));
    }

    [Fact]
    public async Task Key_management_needs_notify_admin()
    {
        await using var host = await BrokerTestHost.StartAsync();
        var secret = await CreateKeyAsync(host, "sender", BrokerScopes.Send);
        using var channel = host.Host.CreateChannel(secret);
        var keys = new Keys.KeysClient(channel);

        var info = await FailsWithAsync(StatusCode.PermissionDenied, async () => await keys.ListKeysAsync(new ListKeysRequest()));

        Assert.Equal("SCOPE_REQUIRED", info.Reason);
        Assert.Equal(BrokerScopes.Admin, info.Metadata["scope"]);
    }

    [Fact]
    public async Task CreateKey_refuses_unknown_scopes_and_lists_keys_without_secrets()
    {
        await using var host = await BrokerTestHost.StartAsync();
        var keys = new Keys.KeysClient(host.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await keys.CreateKeyAsync(new CreateKeyRequest { Name = "x", Scopes = { "notify:everything" } }));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);

        var created = await keys.CreateKeyAsync(new CreateKeyRequest { Name = "bot", Scopes = { BrokerScopes.Send, BrokerScopes.Subscribe } });
        Assert.StartsWith("nbk_" + created.Key.Id + "_", created.Secret, StringComparison.Ordinal);
        var listed = await keys.ListKeysAsync(new ListKeysRequest());
        Assert.Contains(listed.Keys, k => k.Id == "admin" && k.Source == "configuration");
        var bot = Assert.Single(listed.Keys, k => k.Id == created.Key.Id);
        Assert.Equal(["notify:send", "notify:subscribe"], bot.Scopes);
        Assert.Equal("store", bot.Source);

        // The store holds the hash, never the secret.
        var stored = await File.ReadAllTextAsync(host.Host.KeysFile);
        var secretPart = created.Secret["nbk_".Length..][(created.Key.Id.Length + 1)..];   // base64url: may itself hold '_'
        Assert.DoesNotContain(secretPart, stored, StringComparison.Ordinal);
        Assert.Contains(created.Key.Id, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configured_keys_cannot_be_revoked_through_the_API()
    {
        await using var host = await BrokerTestHost.StartAsync();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Keys.KeysClient(host.Channel).RevokeKeyAsync(new RevokeKeyRequest { Id = "admin" }));
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    private static async Task<List<string>> ListServicesAsync(Grpc.Net.Client.GrpcChannel channel)
    {
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return [.. call.ResponseStream.Current.ListServicesResponse.Service.Select(static s => s.Name)];
    }

    private static async Task Call(Contracts.V1.Notifier.NotifierClient client, string method)
    {
        switch (method)
        {
            case "Send":
                await client.SendAsync(new SendRequest { MsgName = "ops", Text = "hi" });
                break;
            case "Broadcast":
                await client.BroadcastAsync(new BroadcastRequest { MessageId = 0xC123 });
                break;
            case "Subscribe":
                await FirstEventAsync(client, new SubscribeRequest());
                break;
            case "AddAlias":
                await client.AddAliasAsync(new AddAliasRequest { Name = "ops" });
                break;
            case "DeleteAlias":
                await client.DeleteAliasAsync(new DeleteAliasRequest { Name = "ops" });
                break;
            case "ListAliases":
                await client.ListAliasesAsync(new ListAliasesRequest());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, null);
        }
    }
}
