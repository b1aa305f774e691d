using NotifyBroker.Cli.Tests.TestSupport;

namespace NotifyBroker.Cli.Tests.Commands;

/// <summary>Option values that do not parse are usage errors that say what was expected, before any call is made.</summary>
public sealed class ValueOptionTests
{
    [Theory]
    [InlineData("'x' is not a position (<offset>@<epoch>, as printed by `notify subscribe`).", "subscribe", "--after", "x")]
    [InlineData("'yesterday-ish' is not an ISO 8601 time (2025-01-31T12:00:00Z) or a duration back from now (30s, 5m, 2h).", "subscribe", "--since", "yesterday-ish")]
    [InlineData("'fast' is not a duration like 500ms, 5s, 2m, 1h, a number of seconds, or hh:mm:ss.", "subscribe", "--keepalive", "fast")]
    [InlineData("'zz' is not a 64-bit unsigned number (decimal or 0x hex).", "broadcast", "WM_APP", "--wparam", "zz")]
    [InlineData("'0xZZ' is not a 64-bit number (decimal or 0x hex).", "broadcast", "WM_APP", "--lparam", "0xZZ")]
    [InlineData("'-1' is not a 32-bit unsigned number (decimal or 0x hex).", "send", "BOB", "hi", "--style", "-1")]
    public async Task A_value_that_does_not_parse_is_a_usage_error_naming_the_expected_syntax(string error, params string[] args)
    {
        // Nothing listens there: a usage error must come before any attempt to connect.
        var run = await NotifyRun.RunAsync(ClosedPort.Address(), args);

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Empty(run.Out.Lines);
        Assert.Equal("notify: " + error, run.Error.Lines[0]);
    }
}
