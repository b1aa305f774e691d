namespace NotifyBroker.Interop.TestHost;

/// <summary>Watches standard input so that a host whose parent goes away (closing the pipe) stops too.</summary>
internal static class StandardInput
{
    /// <summary>
    /// Whether stdin is a pipe. Only then does its end mean "the parent is gone": a host started in the background by
    /// a shell reads /dev/null, which ends at once, and a terminal never ends by itself. Linux only (/proc); false
    /// elsewhere.
    /// </summary>
    public static bool IsPipe()
    {
        try
        {
            return new FileInfo("/proc/self/fd/0").LinkTarget?.StartsWith("pipe:", StringComparison.Ordinal) == true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Calls <paramref name="onClosed"/> once stdin reaches its end (everything read is discarded).</summary>
    public static void OnClosed(Action onClosed)
    {
        var thread = new Thread(() =>
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[256];
            while (stdin.Read(buffer) > 0)
            {
            }

            onClosed();
        })
        {
            IsBackground = true,
            Name = "stdin watcher",
        };
        thread.Start();
    }
}
