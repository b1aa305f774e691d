using NotifyBroker.Cli.Tests.TestSupport;

namespace NotifyBroker.Cli.Tests.Commands;

/// <summary>The tail across a broker restart: the SDK reconnects by itself and the CLI says what was (not) recovered.</summary>
public sealed class SubscribeReconnectTests
{
    [Fact]
    public async Task The_tail_reconnects_to_a_restarted_broker_and_says_the_old_history_is_gone()
    {
        var first = await BrokerFixture.StartAsync("http://127.0.0.1:0");
        var address = first.Address;
        var firstStopped = false;
        BrokerFixture? second = null;
        try
        {
            await using var cli = NotifyRun.Start(address, "subscribe", "--alias", "BOB");
            await cli.Out.WaitForLineAsync(l => l.Contains("  open  ", StringComparison.Ordinal), "the Open event");
            await first.Client.AddAliasAsync("BOB");
            var before = await first.Client.SendAsync("BOB", "before the restart");
            await cli.Out.WaitForLineAsync(l => l.EndsWith(": before the restart", StringComparison.Ordinal), "the first message");

            firstStopped = true;
            await first.DisposeAsync();
            await cli.Error.WaitForLineAsync(l => l.StartsWith("notify: stream ended (", StringComparison.Ordinal), "the reconnect notice");
            second = await BrokerFixture.StartAsync(address);

            var reopened = await cli.Out.WaitForLineAsync(l => l.Contains("NOT RECOVERED", StringComparison.Ordinal), "the reconnect's Open");
            await second.Client.AddAliasAsync("BOB");
            var after = await second.Client.SendAsync("BOB", "after the restart");
            await cli.Out.WaitForLineAsync(l => l.EndsWith(": after the restart", StringComparison.Ordinal), "the message after the restart");
            var result = await cli.StopAsync();

            Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
            Assert.Contains($"the broker's history restarted (epoch {before.Position.Epoch} is gone, now {after.Position.Epoch})", reopened, StringComparison.Ordinal);
            Assert.Equal(4, result.Out.Lines.Count);
            // One notice per attempt while the broker was down; each resumes after the last message seen.
            var notices = result.Error.Lines.Where(static l => l.StartsWith("notify: stream ended (", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(notices);
            Assert.All(notices, n => Assert.Contains($"resuming after {before.Position.Offset}@{before.Position.Epoch}.", n, StringComparison.Ordinal));
            Assert.Contains($"last position {after.Position.Offset}@{after.Position.Epoch};", result.Error.Lines[^1], StringComparison.Ordinal);
        }
        finally
        {
            if (!firstStopped)
            {
                await first.DisposeAsync();
            }

            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }
}
