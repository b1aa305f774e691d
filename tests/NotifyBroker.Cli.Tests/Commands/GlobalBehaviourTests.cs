using NotifyBroker.Tests.Shared;
using NotifyBroker.Cli.Tests.TestSupport;

namespace NotifyBroker.Cli.Tests.Commands;

public sealed class GlobalBehaviourTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task Help_documents_every_exit_code()
    {
        var stdout = new LineRecorder();
        var exitCode = await NotifyCli.RunAsync(["--help"], stdout, new LineRecorder());

        Assert.Equal(ExitCodes.Ok, exitCode);
        foreach (var code in new[] { "0 ", "1 ", "2 ", "3 ", "4 ", "130 " })
        {
            Assert.Contains(stdout.Lines, l => l.TrimStart().StartsWith(code, StringComparison.Ordinal));
        }

        Assert.Contains(stdout.Lines, l => l.Contains("--address", StringComparison.Ordinal) && l.Contains("NOTIFY_ADDRESS", StringComparison.Ordinal));
        Assert.Contains(stdout.Lines, l => l.Contains("--deadline", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreachable_broker_exits_4_with_UNAVAILABLE()
    {
        var address = ClosedPort.Address();

        var run = await NotifyRun.RunAsync(address, "send", "BOB", "hello");

        Assert.True(run.ExitCode == ExitCodes.Unavailable, run.ToString());
        var error = Assert.Single(run.Error.Lines);
        Assert.StartsWith($"notify: cannot reach the broker at {address}. [gRPC UNAVAILABLE", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error()
    {
        var run = await NotifyRun.RunAsync(broker.Address, "frobnicate");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains(run.Error.Lines, l => l.Contains("'frobnicate'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_address_that_is_not_an_http_url_is_a_usage_error()
    {
        var run = await NotifyRun.RunAsync("localhost:50051", "alias", "list");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains(run.Error.Lines, l => l.Contains("is not a broker address", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deadline_that_does_not_parse_is_a_usage_error()
    {
        var run = await NotifyRun.RunAsync(broker.Address, "--deadline", "soon", "alias", "list");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains(run.Error.Lines, l => l.Contains("'soon' is not a duration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_address_the_NOTIFY_ADDRESS_environment_variable_is_used()
    {
        var alias = BrokerFixture.Unique("ENV");
        await broker.Client.AddAliasAsync(alias);
        var stdout = new LineRecorder();
        var stderr = new LineRecorder();

        // Every other test passes --address, so setting the variable for the process cannot redirect them.
        Environment.SetEnvironmentVariable("NOTIFY_ADDRESS", broker.Address);
        int exitCode;
        try
        {
            exitCode = await NotifyCli.RunAsync(["alias", "list", "--key", InProcessBrokerHost.AdminKey], stdout, stderr);
        }
        finally
        {
            Environment.SetEnvironmentVariable("NOTIFY_ADDRESS", null);
        }

        Assert.True(exitCode == ExitCodes.Ok, stderr.Text);
        Assert.Contains(stdout.Lines, l => l.StartsWith(alias + " ", StringComparison.Ordinal));
    }
}
