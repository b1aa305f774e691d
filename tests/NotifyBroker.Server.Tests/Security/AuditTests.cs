using Grpc.Core;
using Microsoft.Extensions.Logging;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Core.Security;
using NotifyBroker.Server.Tests.TestSupport;
using static NotifyBroker.Server.Tests.Security.SecurityTestSupport;

namespace NotifyBroker.Server.Tests.Security;

/// <summary>One audit event per Send, Broadcast, alias change and key change: who, what, the outcome; no text by default.</summary>
public sealed class AuditTests
{
    [Fact]
    public async Task Sends_broadcasts_alias_and_key_changes_are_audited_with_identity_target_and_outcome_but_no_text()
    {
        var logs = new CapturedLogs();
        await using var host = await BrokerTestHost.StartAsync(builder => builder.Logging.AddProvider(logs));
        var (channel, sender) = ClientWith(host, await CreateKeyAsync(host, "sender", BrokerScopes.Send, BrokerScopes.Aliases));
        using var _ = channel;

        await sender.AddAliasAsync(new AddAliasRequest { Name = "ops" });
        await sender.SendAsync(new SendRequest { MsgName = "ops", Text = "the secret plan" });
        await Assert.ThrowsAsync<RpcException>(async () => await sender.DeleteAliasAsync(new DeleteAliasRequest { Name = "nobody-has-this" }));
        await host.Client.BroadcastAsync(new BroadcastRequest { RegisteredName = "NotifyBroker.AuditTest", Flags = 0x1 });

        var audit = logs.Entries.Where(static e => e.Category == "NotifyBroker.Audit").ToList();
        var createdKeyId = (string)audit.Single(e => (string?)e.State["Call"] == "/notify.v1.Keys/CreateKey").State["Target"]!;
        Assert.Contains("id=", createdKeyId, StringComparison.Ordinal);
        var keyId = "key:" + createdKeyId.Split("id=")[1].Split(' ')[0];

        var send = audit.Single(e => (string?)e.State["Call"] == "/notify.v1.Notifier/Send");
        Assert.Equal(keyId, send.State["Identity"]);
        Assert.Equal(@"\\\ops", send.State["Target"]);
        Assert.Equal("OK", send.State["Outcome"]);
        Assert.DoesNotContain(audit, e => e.Message.Contains("secret plan", StringComparison.Ordinal));

        var delete = audit.Single(e => (string?)e.State["Call"] == "/notify.v1.Notifier/DeleteAlias");
        Assert.Equal(nameof(StatusCode.NotFound), delete.State["Outcome"]);
        var broadcast = audit.Single(e => (string?)e.State["Call"] == "/notify.v1.Notifier/Broadcast");
        Assert.Equal("key:admin", broadcast.State["Identity"]);
        Assert.StartsWith("0xC", (string)broadcast.State["MessageId"]!, StringComparison.Ordinal);
        Assert.Single(audit, e => (string?)e.State["Call"] == "/notify.v1.Notifier/AddAlias");
    }
}
