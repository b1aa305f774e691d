using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace NotifyBroker.Windows.Tests.Wine;

/// <summary>
/// A Windows program run under Wine in a given prefix, talked to through stdin/stdout lines. Every wait is bounded
/// (a guard against hangs only) and a timeout reports everything the program printed.
/// </summary>
internal sealed class WineProcess : IAsyncDisposable
{
    /// <summary>Generous: a .NET start under Wine takes seconds, more on a loaded machine.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _transcript = new();
    private readonly StringBuilder _errors = new();
    private readonly Task _stdout;
    private readonly Task _stderr;

    private WineProcess(Process process)
    {
        _process = process;
        _stdout = Task.Run(async () =>
        {
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync().ConfigureAwait(false)) is not null)
            {
                lock (_transcript)
                {
                    _transcript.AppendLine(line);
                }

                _lines.Writer.TryWrite(line);
            }

            _lines.Writer.TryComplete();
        });
        _stderr = Task.Run(async () =>
        {
            string? line;
            while ((line = await process.StandardError.ReadLineAsync().ConfigureAwait(false)) is not null)
            {
                lock (_errors)
                {
                    _errors.AppendLine(line);
                }
            }
        });
    }

    public string Transcript
    {
        get
        {
            lock (_transcript)
            {
                return _transcript.ToString();
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static WineProcess Start(string prefix, string executable, params string[] arguments)
    {
        var start = new ProcessStartInfo("wine")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(executable);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        ConfigureWine(start, prefix);
        return new WineProcess(Process.Start(start) ?? throw new InvalidOperationException("wine did not start."));
    }

    /// <summary>Runs a one-shot command to its end and returns what it printed.</summary>
    public static async Task<string> RunAsync(string prefix, string executable, params string[] arguments)
    {
        await using WineProcess process = Start(prefix, executable, arguments);
        process._process.StandardInput.Close();
        await process.WaitForExitAsync(DefaultWait);
        return process.Transcript;
    }

    /// <summary>Runs a Wine tool (e.g. wineboot) in the prefix.</summary>
    public static async Task<int> RunToolAsync(string prefix, string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        ConfigureWine(start, prefix);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(DefaultWait);
        await process.WaitForExitAsync(timeout.Token);
        await Task.WhenAll(output, errors);
        return process.ExitCode;
    }

    /// <summary>Reads lines until one matches; the lines before it are consumed (and kept in the transcript).</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultWait);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(cancel.Token))
            {
                while (_lines.Reader.TryRead(out string? line))
                {
                    if (match(line))
                    {
                        return line;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching line within {timeout ?? DefaultWait}.\nstdout:\n{Transcript}\nstderr:\n{Errors}");
        }

        throw new InvalidOperationException($"The program ended without a matching line.\nstdout:\n{Transcript}\nstderr:\n{Errors}");
    }

    /// <summary>
    /// Reads lines until each condition has matched a line, in whatever order the lines come (lines printed by
    /// different threads of the program have no fixed order). Returns the matched lines in the conditions' order.
    /// </summary>
    public async Task<string[]> WaitForAllAsync(params Func<string, bool>[] conditions)
    {
        var matched = new string?[conditions.Length];
        while (Array.IndexOf(matched, null) >= 0)
        {
            string line = await WaitForLineAsync(line => Enumerable.Range(0, conditions.Length).Any(i => matched[i] is null && conditions[i](line)));
            int index = Enumerable.Range(0, conditions.Length).First(i => matched[i] is null && conditions[i](line));
            matched[index] = line;
        }

        return matched!;
    }

    public Task<string> WaitForLineStartingAsync(string prefix) => WaitForLineAsync(line => line.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>The program's exit code, once it has exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Ends the program at once (for programs with no stdin command to end them, like the broker).</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The program did not exit within {timeout}.\nstdout:\n{Transcript}\nstderr:\n{Errors}");
        }

        await Task.WhenAll(_stdout, _stderr);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await SendAsync("quit");
                _process.StandardInput.Close();
                await WaitForExitAsync(TimeSpan.FromSeconds(20));
            }
            catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException or ObjectDisposedException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private static void ConfigureWine(ProcessStartInfo start, string prefix)
    {
        start.Environment["WINEPREFIX"] = prefix;
        start.Environment["WINEDEBUG"] = "-all";
        // A crash must end the process (and show in the transcript), not park it in winedbg.
        start.Environment["WINEDLLOVERRIDES"] = "winedbg.exe=d";
        start.Environment.Remove("DISPLAY");
    }
}
