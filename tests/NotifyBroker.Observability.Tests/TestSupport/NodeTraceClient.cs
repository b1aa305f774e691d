using System.Diagnostics;

namespace NotifyBroker.Observability.Tests.TestSupport;

/// <summary>
/// Runs tests/Observability/node/trace-client.js (grpc-js), installing its npm packages first if they are missing
/// (npm ci from the lock file, once per test run). Node.js itself must be installed.
/// </summary>
internal static class NodeTraceClient
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private static bool _installed;

    public static string Directory { get; } = Path.Combine(RepoRoot(), "tests", "Observability", "node");

    /// <summary>Runs the client with <paramref name="arguments"/>; returns its standard output, failing the test if it fails.</summary>
    public static async Task<string> RunAsync(params string[] arguments)
    {
        await EnsureInstalledAsync();
        var (exitCode, output, error) = await RunProcessAsync("node", ["trace-client.js", .. arguments]);
        Assert.True(exitCode == 0, $"trace-client.js exited with {exitCode}: {error}");
        return output;
    }

    private static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (_installed || File.Exists(Path.Combine(Directory, "node_modules", "@grpc", "grpc-js", "package.json")))
            {
                _installed = true;
                return;
            }

            var (exitCode, _, error) = await RunProcessAsync("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"]);
            Assert.True(exitCode == 0, $"npm ci in {Directory} failed ({exitCode}): {error}");
            _installed = true;
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunProcessAsync(string fileName, string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();

        // npm ci may download packages; both only guard against a hang.
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish.");
        }

        return (process.ExitCode, await output, await error);
    }

    private static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NotifyBroker.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No NotifyBroker.sln above {AppContext.BaseDirectory}.");
    }
}
