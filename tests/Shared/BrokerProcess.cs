using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace NotifyBroker.Tests.Shared;

/// <summary>
/// The real broker as a user starts it, <c>dotnet NotifyBroker.Server.dll</c> from the test's build output, on the
/// in-memory desktop, in a process of its own: so a test can kill it outright (<see cref="Kill"/>: SIGKILL on Unix,
/// nothing runs in the broker after it) and start another on the same port. Its admin key, key store and credentials
/// file come from a <see cref="BrokerProcessState"/> (a temporary folder, never the user's home), which a restart
/// shares. Test projects compile this file in as a linked source, like <see cref="InProcessBrokerHost"/>.
/// </summary>
internal sealed partial class BrokerProcess : IDisposable
{
    /// <summary>How long a start may take before the test fails (only a guard against hangs).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource<(string Address, string Epoch)> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BrokerProcess(Process process) => _process = process;

    /// <summary>The address of the readiness line, e.g. "http://127.0.0.1:40123".</summary>
    public string Address { get; private set; } = "";

    /// <summary>
    /// The HTTP/1.1 endpoint (JSON API, gRPC-Web, web console) of a broker started with
    /// <see cref="StartWithHttpAsync"/>, e.g. "http://127.0.0.1:40124"; empty otherwise.
    /// </summary>
    public string HttpAddress { get; private set; } = "";

    /// <summary>The history epoch of this run, from the readiness line.</summary>
    public string Epoch { get; private set; } = "";

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Every line the broker wrote so far, stdout and stderr.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    /// <summary>Starts a broker on <paramref name="url"/> (e.g. "http://127.0.0.1:0", or an earlier run's address) and waits until it is ready.</summary>
    /// <param name="url">Where to listen.</param>
    /// <param name="state">The admin key and files; a restart passes the same.</param>
    /// <param name="settings">More configuration, as "Key:Sub=value".</param>
    public static async Task<BrokerProcess> StartAsync(string url, BrokerProcessState state, params string[] settings)
    {
        ArgumentNullException.ThrowIfNull(state);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            Path.Combine(AppContext.BaseDirectory, "NotifyBroker.Server.dll"),
            "--urls", url,
            "--Desktop:Kind=InMemory",
            "--Security:AdminKey=" + state.AdminKey,
            "--Security:KeysFile=" + state.KeysFile,
            "--Security:CredentialsFile=" + state.CredentialsFile,
            .. settings.Select(static s => "--" + s),
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Only the test decides where it listens and where its credentials are.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_HTTP_PORTS", "HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_HTTPS_PORTS", "HTTPS_PORTS", "NOTIFY_CREDENTIALS" })
        {
            start.Environment.Remove(inherited);
        }

        var process = new Process { StartInfo = start };
        var broker = new BrokerProcess(process);
        process.OutputDataReceived += (_, e) => broker.Received(e.Data);
        process.ErrorDataReceived += (_, e) => broker.Received(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var first = await Task.WhenAny(broker._ready.Task, process.WaitForExitAsync()).WaitAsync(Patience);
            if (first != broker._ready.Task)
            {
                throw new InvalidOperationException($"The broker exited with {process.ExitCode} before its readiness line:\n{string.Join('\n', broker.Output)}");
            }
        }
        catch
        {
            broker.Dispose();
            throw;
        }

        (broker.Address, broker.Epoch) = await broker._ready.Task;
        return broker;
    }

    /// <summary>
    /// Starts a broker on <paramref name="url"/> with its HTTP/1.1 endpoint ("HttpApi:Url") on a free loopback port,
    /// exposed as <see cref="HttpAddress"/>.
    /// </summary>
    public static async Task<BrokerProcess> StartWithHttpAsync(string url, BrokerProcessState state, params string[] settings)
    {
        var http = $"http://127.0.0.1:{FreeLoopbackPort()}";
        var broker = await StartAsync(url, state, [.. settings, "HttpApi:Url=" + http]);
        broker.HttpAddress = http;
        return broker;
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>SIGKILL (TerminateProcess on Windows): no shutdown, no GOAWAY; the kernel closes its sockets. Waits until it is gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        if (!_process.WaitForExit(Patience))
        {
            throw new InvalidOperationException($"The broker (pid {_process.Id}) did not die after SIGKILL.");
        }
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped.
        }

        _process.Dispose();
    }

    private void Received(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (ReadyLine().Match(line) is { Success: true } ready)
        {
            // "[::]" or "0.0.0.0" (every interface) is reached over loopback.
            var host = ready.Groups["host"].Value is "[::]" or "0.0.0.0" or "+" or "*" ? "127.0.0.1" : ready.Groups["host"].Value;
            var port = int.Parse(ready.Groups["port"].Value, CultureInfo.InvariantCulture);
            _ready.TrySetResult(($"http://{host}:{port}", ready.Groups["epoch"].Value));
        }
    }

    [GeneratedRegex(@"NotifyBroker ready: listening on http://(?<host>[^:/,\s]+|\[[^\]]+\]):(?<port>\d+).*history epoch (?<epoch>[0-9a-f]+)")]
    private static partial Regex ReadyLine();
}

/// <summary>What a broker process keeps across restarts: its admin key, key store and credentials file, in a temporary folder of its own.</summary>
internal sealed class BrokerProcessState : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nb-process-").FullName;

    /// <summary>A random admin key (Security:AdminKey) for this test only.</summary>
    public string AdminKey { get; } = "test-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string KeysFile => Path.Combine(_folder, "keys.json");

    public string CredentialsFile => Path.Combine(_folder, "credentials.json");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind holds only this test's keys.
        }
    }
}
