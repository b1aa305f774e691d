using System.Text;

namespace NotifyBroker.Cli.Tests.TestSupport;

/// <summary>
/// A TextWriter that collects what the CLI writes, line by line, and lets a test wait for a line while the CLI is
/// still running (a subscribe tail). Thread-safe. Waits are bounded only to guard against hangs.
/// </summary>
public sealed class LineRecorder : TextWriter
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly Lock _sync = new();
    private readonly StringBuilder _current = new();
    private readonly List<string> _lines = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>The complete lines so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get { lock (_sync) { return [.. _lines]; } }
    }

    /// <summary>Everything written so far, including an unfinished last line.</summary>
    public string Text
    {
        get { lock (_sync) { return string.Concat(_lines.Select(static l => l + "\n")) + _current; } }
    }

    public override void Write(char value)
    {
        TaskCompletionSource? changed = null;
        lock (_sync)
        {
            if (value == '\n')
            {
                _lines.Add(_current.ToString().TrimEnd('\r'));
                _current.Clear();
                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            else
            {
                _current.Append(value);
            }
        }

        changed?.SetResult();
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
        {
            Write(c);
        }
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        Write('\n');
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    /// <summary>The first line (so far or to come) that satisfies <paramref name="match"/>; fails the test if none comes.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            Task changed;
            lock (_sync)
            {
                var found = _lines.FirstOrDefault(match);
                if (found is not null)
                {
                    return found;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"No line with {what} came. Lines so far:\n{Text}");
            }
        }
    }
}
