using System.Globalization;
using System.Runtime.InteropServices;

namespace NotifyBroker.Server.Tests.Faults;

/// <summary>
/// What Linux says about listen queues: net.core.somaxconn (the cap on any backlog), the TcpExt counters of SYNs
/// dropped because a listener's accept queue was full (ListenOverflows, ListenDrops; per network namespace), and
/// this process's open-file limit. Plus SIGSTOP/SIGCONT, to hold a broker's accept loop still.
/// </summary>
internal static class ListenQueue
{
    private const int SIGCONT = 18, SIGSTOP = 19;

    /// <summary>net.core.somaxconn: Linux silently caps every listen() backlog at it.</summary>
    public static int SoMaxConn => int.Parse(File.ReadAllText("/proc/sys/net/core/somaxconn").Trim(), CultureInfo.InvariantCulture);

    /// <summary>TcpExt ListenOverflows and ListenDrops of this network namespace, from /proc/net/netstat.</summary>
    public static (long Overflows, long Drops) Counters() => (TcpExt("ListenOverflows"), TcpExt("ListenDrops"));

    /// <summary>One TcpExt counter of this network namespace, e.g. TCPSynRetrans (SYNs a client sent again: its first got no answer).</summary>
    public static long TcpExt(string name)
    {
        var lines = File.ReadAllLines("/proc/net/netstat");
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            if (lines[i].StartsWith("TcpExt:", StringComparison.Ordinal) && lines[i + 1].StartsWith("TcpExt:", StringComparison.Ordinal))
            {
                var names = lines[i].Split(' ');
                var values = lines[i + 1].Split(' ');
                return long.Parse(values[Array.IndexOf(names, name)], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("/proc/net/netstat has no TcpExt counters.");
    }

    /// <summary>How many more files (sockets) this process may open: its soft RLIMIT_NOFILE minus what it has open.</summary>
    public static int FreeFileDescriptors()
    {
        var line = File.ReadAllLines("/proc/self/limits").Single(static l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        var limit = soft == "unlimited" ? int.MaxValue : int.Parse(soft, CultureInfo.InvariantCulture);
        return limit - Directory.GetFileSystemEntries("/proc/self/fd").Length;
    }

    /// <summary>
    /// Stops <paramref name="pid"/> (SIGSTOP) and waits until every one of its threads is stopped: then it runs no code,
    /// so it accepts nothing, while the kernel still completes handshakes into its accept queue.
    /// </summary>
    public static async Task StopAsync(int pid, CancellationToken cancellationToken)
    {
        Signal(pid, SIGSTOP);

        // The signal is delivered as each thread next runs: one on another core may still accept a connection.
        while (!AllThreadsStopped(pid))
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    /// <summary>Lets a stopped process run again (SIGCONT).</summary>
    public static void Continue(int pid) => Signal(pid, SIGCONT);

    /// <summary>True when every thread of <paramref name="pid"/> is in state T (stopped), by /proc/&lt;pid&gt;/task/*/stat.</summary>
    private static bool AllThreadsStopped(int pid) =>
        Directory.GetDirectories($"/proc/{pid}/task").All(static task =>
        {
            try
            {
                // "tid (comm) S ...": the state follows the last ')', since comm may contain spaces or parentheses.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('T');
            }
            catch (IOException)
            {
                return true; // the thread ended
            }
        });

    private static void Signal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    // DllImport, not LibraryImport: the generated marshalling needs unsafe code, and an int call needs none.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
