using NotifyBroker.Cli.Tests.TestSupport;
using NotifyBroker.Client;
using NotifyBroker.Tests.Shared;
using Xunit.Abstractions;

namespace NotifyBroker.Cli.Tests.Faults;

/// <summary>
/// `notify subscribe` when its broker dies: a real broker process (<c>dotnet NotifyBroker.Server.dll</c>) killed with
/// SIGKILL while the tail is open, then started again on the same port. The tail reconnects by itself and says
/// recovered=false, and that how many events were lost cannot be known. Within one history it names the count.
/// </summary>
public sealed class BrokerKilledTailTests(ITestOutputHelper log)
{
    [Fact]
    public async Task After_SIGKILL_and_a_restart_the_tail_reconnects_and_says_recovered_false_and_that_the_loss_is_unknowable()
    {
        using var state = new BrokerProcessState();
        var first = await BrokerProcess.StartAsync("http://127.0.0.1:0", state);
        BrokerProcess? second = null;
        try
        {
            using var sender = new NotifierClient(first.Address, new NotifierClientOptions { ApiKey = state.AdminKey });
            await using var cli = Start(first.Address, state.AdminKey, "subscribe", "--hold", "BOB");
            await cli.Out.WaitForLineAsync(l => l.Contains("  open  ", StringComparison.Ordinal), "the Open event");
            var before = await sender.SendAsync("BOB", "before the kill");
            await cli.Out.WaitForLineAsync(l => l.EndsWith(": before the kill", StringComparison.Ordinal), "the message before the kill");

            first.Kill();
            await cli.Error.WaitForLineAsync(l => l.StartsWith("notify: stream ended (", StringComparison.Ordinal), "the reconnect notice");
            second = await BrokerProcess.StartAsync(first.Address, state);
            Assert.Equal(first.Address, second.Address);

            var reopened = await cli.Out.WaitForLineAsync(l => l.Contains("NOT RECOVERED", StringComparison.Ordinal), "the reconnect's Open");
            var note = await cli.Error.WaitForLineAsync(l => l.StartsWith("notify: reconnected; recovered=false", StringComparison.Ordinal), "the recovered=false note");
            using var restarted = new NotifierClient(second.Address, new NotifierClientOptions { ApiKey = state.AdminKey });
            var after = await restarted.SendAsync("BOB", "after the restart");
            await cli.Out.WaitForLineAsync(l => l.EndsWith(": after the restart", StringComparison.Ordinal), "the message after the restart");
            var result = await cli.StopAsync();
            log.WriteLine(result.ToString());

            Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
            var resumedAfter = $"{before.Position.Offset}@{first.Epoch}";
            Assert.Contains($"NOT RECOVERED: the broker's history restarted (epoch {first.Epoch} is gone, now {second.Epoch}); " +
                "events in between are lost, and how many cannot be known (recovered=false); live from 0@" + second.Epoch, reopened, StringComparison.Ordinal);
            Assert.Equal($"notify: reconnected; recovered=false: the broker restarted (epoch {first.Epoch} is gone, now {second.Epoch}): " +
                $"how many events after {resumedAfter} were lost cannot be known; live from 0@{second.Epoch}.", note);

            // Every notice while the broker was dead resumes after the last message seen; then the new history goes on.
            var notices = result.Error.Lines.Where(static l => l.StartsWith("notify: stream ended (", StringComparison.Ordinal)).ToList();
            Assert.All(notices, n => Assert.Contains($"resuming after {resumedAfter}.", n, StringComparison.Ordinal));
            Assert.Equal(4, result.Out.Lines.Count);
            Assert.Contains($"last position {after.Position.Offset}@{second.Epoch};", result.Error.Lines[^1], StringComparison.Ordinal);
        }
        finally
        {
            first.Dispose();
            second?.Dispose();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_resume_within_one_history_that_history_no_longer_holds_names_how_many_events_were_lost(bool json)
    {
        await using var broker = await InProcessBrokerHost.StartAsync("Broker:HistoryMaxCount=5");
        using var sender = new NotifierClient(broker.Address, new NotifierClientOptions { ApiKey = InProcessBrokerHost.AdminKey });
        await sender.AddAliasAsync("BOB");
        var sent = new List<Contracts.V1.SendReply>();
        for (var i = 0; i < 20; i++)
        {
            sent.Add(await sender.SendAsync("BOB", "message"));
        }

        var resumeAfter = sent[1].Position;
        var head = sent[^1].Position;
        string[] args = ["subscribe", "--alias", "BOB", "--after", $"{resumeAfter.Offset}@{resumeAfter.Epoch}"];
        await using var cli = NotifyRun.Start(broker.Address, json ? ["--json", .. args] : args);
        var open = await cli.Out.WaitForLineAsync(l => l.Contains(json ? "\"open\"" : "  open  ", StringComparison.Ordinal), "the Open event");
        var note = await cli.Error.WaitForLineAsync(l => l.StartsWith("notify: recovered=false", StringComparison.Ordinal), "the recovered=false note");
        var result = await cli.StopAsync();

        Assert.True(result.ExitCode == ExitCodes.Ok, result.ToString());
        var lost = head.Offset - resumeAfter.Offset;
        Assert.Equal(18UL, lost);
        Assert.Equal($"notify: recovered=false: history no longer holds the events after {resumeAfter.Offset}@{head.Epoch}: {lost} events lost " +
            $"({resumeAfter.Offset + 1}..{head.Offset}, counted before this subscription's filters); live from {head.Offset}@{head.Epoch}.", note);
        if (json)
        {
            Assert.Contains("\"recovered\": false", open, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains($"NOT RECOVERED: history no longer holds the events after {resumeAfter.Offset}@{head.Epoch} (history holds {head.Offset - 4}..{head.Offset}); " +
                $"events in between are lost: {lost} events ({resumeAfter.Offset + 1}..{head.Offset}, counted before filtering) (recovered=false)", open, StringComparison.Ordinal);
        }
    }

    /// <summary>`notify --address &lt;address&gt; --key &lt;key&gt; args...` in the background, as <see cref="NotifyRun.Start"/> with a key of the test's.</summary>
    private static RunningCli Start(string address, string key, params string[] args)
    {
        var stdout = new LineRecorder();
        var stderr = new LineRecorder();
        var stop = new CancellationTokenSource();
        var run = Task.Run(() => NotifyCli.RunAsync(["--address", address, "--key", key, .. args], stdout, stderr, stop.Token));
        return new RunningCli(run, stop, stdout, stderr);
    }
}
