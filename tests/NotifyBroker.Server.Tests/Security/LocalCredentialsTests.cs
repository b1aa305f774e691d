using Microsoft.Extensions.Logging;
using NotifyBroker.Client;
using NotifyBroker.Contracts.Credentials;
using NotifyBroker.Contracts.V1;
using NotifyBroker.Server.Tests.TestSupport;
using NotifyBroker.Tests.Shared;

namespace NotifyBroker.Server.Tests.Security;

/// <summary>Zero-config on one machine: first start with no keys makes an admin key for this user, and the SDK finds it.</summary>
public sealed class LocalCredentialsTests
{
    [Fact]
    public async Task First_start_without_keys_writes_an_admin_key_for_this_user_only_logs_where_not_what_and_the_SDK_uses_it()
    {
        var logs = new CapturedLogs();
        await using var host = await InProcessBrokerHost.StartOnAsync(InProcessBrokerHost.FreePortUrl, builder => builder.Logging.AddProvider(logs), "Security:AdminKey=");

        var key = LocalCredentials.TryReadKey(host.CredentialsFile);
        Assert.NotNull(key);
        Assert.StartsWith("nbk_", key, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(host.CredentialsFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(host.KeysFile));
        }

        var created = Assert.Single(logs.Entries, e => e.Message.Contains(host.CredentialsFile, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, created.Level);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(key, StringComparison.Ordinal));
        Assert.DoesNotContain(key, await File.ReadAllTextAsync(host.KeysFile), StringComparison.Ordinal);

        // The SDK, given no key, reads the file for a loopback broker; the key is an admin's.
        using var client = new NotifierClient(host.Address, new NotifierClientOptions { CredentialsFile = host.CredentialsFile });
        var keys = await client.ListKeysAsync();
        Assert.Equal(["notify:admin"], Assert.Single(keys.Keys).Scopes);
    }

    [Fact]
    public async Task A_later_start_with_the_same_key_store_keeps_the_key_it_made()
    {
        await using var first = await InProcessBrokerHost.StartAsync("Security:AdminKey=");
        var key = LocalCredentials.TryReadKey(first.CredentialsFile);
        var keysFile = Path.Combine(Path.GetTempPath(), "nb-keys-" + Guid.NewGuid().ToString("N") + ".json");
        File.Copy(first.KeysFile, keysFile);
        await first.StopAsync();

        try
        {
            await using var second = await InProcessBrokerHost.StartAsync("Security:AdminKey=", "Security:KeysFile=" + keysFile);
            Assert.False(File.Exists(second.CredentialsFile), "A broker whose store already has keys made another one.");
            using var channel = second.CreateChannel(key);
            await new Keys.KeysClient(channel).ListKeysAsync(new ListKeysRequest());
        }
        finally
        {
            File.Delete(keysFile);
        }
    }

    [Fact]
    public async Task The_SDK_sends_no_file_key_to_a_broker_that_is_not_on_loopback()
    {
        await using var host = await InProcessBrokerHost.StartAsync("Security:AdminKey=");

        Assert.NotNull(Client.Credentials.BrokerChannel.ResolveKey(new Uri(host.Address), new NotifierClientOptions { CredentialsFile = host.CredentialsFile }));
        Assert.Null(Client.Credentials.BrokerChannel.ResolveKey(new Uri("https://broker.example:50051"), new NotifierClientOptions { CredentialsFile = host.CredentialsFile }));
    }
}
