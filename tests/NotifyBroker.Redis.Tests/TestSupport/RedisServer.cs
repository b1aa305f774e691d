using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace NotifyBroker.Redis.Tests.TestSupport;

/// <summary>
/// A real redis-server of the test's own ($NB_REDIS_SERVER, else redis-server on PATH) on a free 127.0.0.1 port,
/// in a temporary folder: without persistence, or (<c>persistent</c>) with an append-only file fsynced on every write,
/// so that a restart keeps everything a write was acknowledged for. <see cref="Kill"/> and <see cref="Restart"/> let a
/// test take it away and bring it back on the same port.
/// </summary>
internal sealed class RedisServer : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nb-redis-").FullName;
    private readonly bool _persistent;
    private Process? _process;

    public RedisServer(bool persistent = false)
    {
        _persistent = persistent;
        Port = FreePort();
        Start();
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string for "Redis:Configuration".</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>SIGKILL: the server is gone at once, with everything it held (no persistence).</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    /// <summary>Start again on the same port (empty unless persistent).</summary>
    public void Restart()
    {
        Kill();
        Start();
    }

    private void Start()
    {
        var executable = Environment.GetEnvironmentVariable("NB_REDIS_SERVER") is { Length: > 0 } path ? path : "redis-server";
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--dir", _directory,
                     "--appendonly", _persistent ? "yes" : "no", "--appendfsync", "always" })
        {
            start.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data?.Contains("Ready to accept connections", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"redis-server exited with {process.ExitCode} before it was ready"));
        _process = process;
        if (!ready.Task.Wait(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("redis-server did not say it was ready within 30 s");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
