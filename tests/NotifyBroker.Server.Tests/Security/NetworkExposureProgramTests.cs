using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace NotifyBroker.Server.Tests.Security;

/// <summary>
/// The real Program (<c>dotnet NotifyBroker.Server.dll</c>, as a user starts it): told to listen in plaintext on every
/// interface it refuses before binding anything, says why on stderr without a stack trace and exits 2, whichever way
/// the address came (--urls, ASPNETCORE_URLS, a Kestrel endpoint). With Security:AllowInsecureNetwork=true it starts
/// (the one test here that binds 0.0.0.0, on a port the OS picks, only until its readiness line and a health check
/// over loopback), with a warning.
/// </summary>
public sealed partial class NetworkExposureProgramTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _state = Directory.CreateTempSubdirectory("nb-exposure-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Theory]
    [InlineData("http://0.0.0.0:0", "--urls")]
    [InlineData("http://[::]:0", "--urls")]
    [InlineData("http://+:0", "--urls")]
    public async Task Plaintext_on_every_interface_from_urls_is_refused_with_the_reason_and_exit_code_2(string url, string source)
    {
        var run = await RunToExitAsync(["--urls", url]);

        AssertRefused(run, url, source);
    }

    [Fact]
    public async Task The_same_from_ASPNETCORE_URLS_is_refused()
    {
        var run = await RunToExitAsync([], ("ASPNETCORE_URLS", "http://0.0.0.0:0"));

        AssertRefused(run, "http://0.0.0.0:0", "ASPNETCORE_URLS");
    }

    [Fact]
    public async Task The_same_from_a_Kestrel_endpoint_is_refused()
    {
        var run = await RunToExitAsync(["--Kestrel:Endpoints:Lan:Url=http://0.0.0.0:0"]);

        AssertRefused(run, "http://0.0.0.0:0", "Kestrel:Endpoints:Lan:Url");
    }

    [Fact]
    public async Task With_AllowInsecureNetwork_true_it_starts_warns_and_serves()
    {
        using var broker = Start(["--urls", "http://0.0.0.0:0", "--Security:AllowInsecureNetwork=true"]);
        try
        {
            var port = await broker.WaitForReadyPortAsync();
            Assert.Contains(broker.Output, line => line.Contains("warn", StringComparison.Ordinal)
                && line.Contains("AllowInsecureNetwork=true", StringComparison.Ordinal)
                && line.Contains("http://0.0.0.0:0", StringComparison.Ordinal));

            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + Patience);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        }
        finally
        {
            broker.Stop();
        }
    }

    private static void AssertRefused(BrokerProcess.Exited run, string url, string source)
    {
        var all = string.Join('\n', run.Output);
        Assert.True(run.ExitCode == 2, $"exit code {run.ExitCode}, expected 2; output:\n{all}");
        Assert.Contains(url, run.Stderr, StringComparison.Ordinal);
        Assert.Contains(source, run.Stderr, StringComparison.Ordinal);
        Assert.Contains("without TLS", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("https://", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Security:AllowInsecureNetwork=true", run.Stderr, StringComparison.Ordinal);

        // Refused before Kestrel bound anything, and said plainly.
        Assert.DoesNotContain("Now listening", all, StringComparison.Ordinal);
        Assert.DoesNotContain("NotifyBroker ready", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", all, StringComparison.Ordinal);
        Assert.DoesNotMatch(StackFrame(), all);
    }

    private async Task<BrokerProcess.Exited> RunToExitAsync(string[] args, params (string Name, string Value)[] environment)
    {
        using var broker = Start(args, environment);
        return await broker.WaitForExitAsync();
    }

    private BrokerProcess Start(string[] args, params (string Name, string Value)[] environment)
    {
        string[] all =
        [
            Path.Combine(AppContext.BaseDirectory, "NotifyBroker.Server.dll"),
            "--Desktop:Kind=InMemory",
            $"--Security:AdminKey={Convert.ToHexString(RandomNumberGenerator.GetBytes(24))}",
            $"--Security:KeysFile={Path.Combine(_state, "keys.json")}",
            $"--Security:CredentialsFile={Path.Combine(_state, "credentials")}",
            .. args,
        ];
        return BrokerProcess.Start(all, environment);
    }

    [GeneratedRegex(@"^\s+at \S+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();

    /// <summary>`dotnet NotifyBroker.Server.dll …` with its stdout and stderr collected line by line.</summary>
    private sealed class BrokerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _output = [];
        private readonly StringBuilder _stderr = new();
        private readonly TaskCompletionSource<int> _readyPort = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private BrokerProcess(Process process) => _process = process;

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

        public static BrokerProcess Start(string[] args, (string Name, string Value)[] environment)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            // Only what the test says decides where it listens.
            foreach (var inherited in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_HTTP_PORTS", "HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_HTTPS_PORTS", "HTTPS_PORTS" })
            {
                start.Environment.Remove(inherited);
            }

            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            var process = new Process { StartInfo = start };
            var broker = new BrokerProcess(process);
            process.OutputDataReceived += (_, e) => broker.Received(e.Data, error: false);
            process.ErrorDataReceived += (_, e) => broker.Received(e.Data, error: true);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return broker;
        }

        public async Task<Exited> WaitForExitAsync()
        {
            using var timeout = new CancellationTokenSource(Patience);
            await _process.WaitForExitAsync(timeout.Token); // also waits for the end of both streams
            lock (_output)
            {
                return new Exited(_process.ExitCode, [.. _output], _stderr.ToString());
            }
        }

        /// <summary>The port of the readiness line ("NotifyBroker ready: listening on http://[::]:&lt;port&gt;" or 0.0.0.0).</summary>
        public async Task<int> WaitForReadyPortAsync()
        {
            var exited = _process.WaitForExitAsync();
            var first = await Task.WhenAny(_readyPort.Task, exited).WaitAsync(Patience);
            if (first != _readyPort.Task)
            {
                throw new InvalidOperationException($"the broker exited with {_process.ExitCode} before its readiness line:\n{string.Join('\n', Output)}");
            }

            return await _readyPort.Task;
        }

        public void Stop()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(30));
            }
        }

        public void Dispose()
        {
            Stop();
            _process.Dispose();
        }

        private void Received(string? line, bool error)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.Add(line);
                if (error)
                {
                    _stderr.AppendLine(line);
                }
            }

            if (ReadyLine().Match(line) is { Success: true } ready)
            {
                _readyPort.TrySetResult(int.Parse(ready.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        public sealed record Exited(int ExitCode, IReadOnlyList<string> Output, string Stderr);
    }

    [GeneratedRegex(@"NotifyBroker ready: listening on http://(?:\[::\]|0\.0\.0\.0):(?<port>\d+)")]
    private static partial Regex ReadyLine();
}
