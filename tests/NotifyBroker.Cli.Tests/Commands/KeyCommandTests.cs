using NotifyBroker.Cli.Tests.TestSupport;
using NotifyBroker.Contracts.Credentials;
using NotifyBroker.Tests.Shared;

namespace NotifyBroker.Cli.Tests.Commands;

/// <summary>`notify key …` and the credentials file: the CLI with no --key uses what a local broker wrote at first start.</summary>
public sealed class KeyCommandTests
{
    [Fact]
    public async Task With_no_key_the_CLI_uses_the_credentials_file_a_local_broker_wrote_and_manages_keys_with_it()
    {
        await using var host = await InProcessBrokerHost.StartAsync("Security:AdminKey=");
        var stdout = new LineRecorder();
        var stderr = new LineRecorder();

        // The only test that moves the credentials file: every other test passes --key, which wins over the file.
        Environment.SetEnvironmentVariable(LocalCredentials.PathVariable, host.CredentialsFile);
        try
        {
            var created = await NotifyCli.RunAsync(["--address", host.Address, "key", "create", "--name", "ci-bot", "--scope", "notify:send,notify:aliases"], stdout, stderr);
            Assert.True(created == ExitCodes.Ok, stderr.Text);
            var secret = Assert.Single(stdout.Lines);
            Assert.StartsWith("nbk_", secret, StringComparison.Ordinal);

            // The new key works, with its own scopes only.
            var added = await NotifyRun.RunWithKeyAsync(host.Address, secret, "alias", "add", "ci-desk");
            Assert.True(added.ExitCode == ExitCodes.Ok, added.ToString());
            var broadcast = await NotifyRun.RunWithKeyAsync(host.Address, secret, "broadcast", "0xC100");
            Assert.Equal(ExitCodes.RpcError, broadcast.ExitCode);
            Assert.Contains("lacks the scope notify:broadcast", broadcast.Error.Text, StringComparison.Ordinal);

            var listOut = new LineRecorder();
            Assert.Equal(ExitCodes.Ok, await NotifyCli.RunAsync(["--address", host.Address, "key", "list"], listOut, stderr));
            var row = Assert.Single(listOut.Lines, l => l.Contains("ci-bot", StringComparison.Ordinal));
            var id = row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            Assert.Contains(listOut.Lines, l => l.Contains("local-admin", StringComparison.Ordinal));
            Assert.DoesNotContain(secret, listOut.Text, StringComparison.Ordinal);

            Assert.Equal(ExitCodes.Ok, await NotifyCli.RunAsync(["--address", host.Address, "key", "revoke", id], new LineRecorder(), stderr));
            var refused = await NotifyRun.RunWithKeyAsync(host.Address, secret, "alias", "list");
            Assert.Equal(ExitCodes.RpcError, refused.ExitCode);
            Assert.Contains("did not accept the credentials (CREDENTIALS_INVALID)", refused.Error.Text, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(LocalCredentials.PathVariable, null);
        }
    }
}
