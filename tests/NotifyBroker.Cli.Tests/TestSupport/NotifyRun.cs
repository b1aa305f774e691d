using NotifyBroker.Tests.Shared;

namespace NotifyBroker.Cli.Tests.TestSupport;

/// <summary>What one run of `notify` did.</summary>
public sealed record CliResult(int ExitCode, LineRecorder Out, LineRecorder Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out.Text}\nstderr:\n{Error.Text}";
}

/// <summary>
/// Runs the CLI's entry point in-process, the way a shell would run `notify --address &lt;broker&gt; --key &lt;admin key&gt;
/// args...` (the credentials-file flow, with no --key, has tests of its own).
/// </summary>
public static class NotifyRun
{
    public static async Task<CliResult> RunAsync(string address, params string[] args)
    {
        var stdout = new LineRecorder();
        var stderr = new LineRecorder();
        using var hang = new CancellationTokenSource(LineRecorder.Patience);
        var exitCode = await NotifyCli.RunAsync(["--address", address, "--key", InProcessBrokerHost.AdminKey, .. args], stdout, stderr, hang.Token);
        Assert.False(hang.IsCancellationRequested, "The command did not finish in time.");
        return new CliResult(exitCode, stdout, stderr);
    }

    /// <summary>As <see cref="RunAsync"/>, calling with <paramref name="key"/> instead of the admin key.</summary>
    public static async Task<CliResult> RunWithKeyAsync(string address, string key, params string[] args)
    {
        var stdout = new LineRecorder();
        var stderr = new LineRecorder();
        using var hang = new CancellationTokenSource(LineRecorder.Patience);
        var exitCode = await NotifyCli.RunAsync(["--address", address, "--key", key, .. args], stdout, stderr, hang.Token);
        Assert.False(hang.IsCancellationRequested, "The command did not finish in time.");
        return new CliResult(exitCode, stdout, stderr);
    }

    /// <summary>Starts a long-running command (a subscribe tail); stop it with <see cref="RunningCli.StopAsync"/>.</summary>
    public static RunningCli Start(string address, params string[] args)
    {
        var stdout = new LineRecorder();
        var stderr = new LineRecorder();
        var stop = new CancellationTokenSource();
        var run = Task.Run(() => NotifyCli.RunAsync(["--address", address, "--key", InProcessBrokerHost.AdminKey, .. args], stdout, stderr, stop.Token));
        return new RunningCli(run, stop, stdout, stderr);
    }
}

/// <summary>A CLI command still running in the background.</summary>
public sealed class RunningCli(Task<int> run, CancellationTokenSource stop, LineRecorder stdout, LineRecorder stderr) : IAsyncDisposable
{
    public LineRecorder Out { get; } = stdout;

    public LineRecorder Error { get; } = stderr;

    /// <summary>Ctrl+C, then the command's result.</summary>
    public async Task<CliResult> StopAsync()
    {
        await stop.CancelAsync();
        var exitCode = await run.WaitAsync(LineRecorder.Patience);
        return new CliResult(exitCode, Out, Error);
    }

    /// <summary>The result of a command that ends by itself.</summary>
    public async Task<CliResult> CompletionAsync() => new(await run.WaitAsync(LineRecorder.Patience), Out, Error);

    public async ValueTask DisposeAsync()
    {
        if (!run.IsCompleted)
        {
            await stop.CancelAsync();
            try
            {
                await run.WaitAsync(LineRecorder.Patience);
            }
            catch (Exception)
            {
                // The test has already failed or passed on what it saw; this only releases the background run.
            }
        }

        stop.Dispose();
    }
}
