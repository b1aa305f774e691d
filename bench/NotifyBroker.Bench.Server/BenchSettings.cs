using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace NotifyBroker.Bench.Server;

/// <summary>The bench server's command line.</summary>
/// <param name="Mode">What the process hosts: the bench endpoints, the real broker, or the naive hub.</param>
/// <param name="HostConfiguration">
/// "--Section:Key=value" arguments, passed to the broker's host with --notifier (e.g. --Broker:SubscriberQueueCapacity=65536).
/// </param>
internal sealed record BenchSettings(int Port, int MaxStreamsPerConnection, bool AllocationProfile, BenchMode Mode, IReadOnlyList<string> HostConfiguration)
{
    // Kestrel's default; h2load -m 100 stays within it. Fan-out runs raise it.
    private const int DefaultMaxStreamsPerConnection = 100;

    public static BenchSettings Parse(string[] args)
    {
        var port = 0;
        var maxStreams = DefaultMaxStreamsPerConnection;
        var allocationProfile = false;
        var mode = BenchMode.Bench;
        var hostConfiguration = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port":
                    port = ParseValue(args, ++i);
                    break;
                case "--max-streams":
                    maxStreams = ParseValue(args, ++i);
                    break;
                case "--alloc-profile":
                    allocationProfile = true;
                    break;
                case "--notifier":
                    mode = BenchMode.Notifier;
                    break;
                case "--naive-hub":
                    mode = BenchMode.NaiveHub;
                    break;
                case var setting when setting.StartsWith("--", StringComparison.Ordinal) && setting.Contains(':', StringComparison.Ordinal) && setting.Contains('=', StringComparison.Ordinal):
                    hostConfiguration.Add(setting);
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}. Usage: [--port N] [--max-streams N] [--alloc-profile] [--notifier [--Section:Key=value]... | --naive-hub]");
            }
        }

        if (hostConfiguration.Count > 0 && mode != BenchMode.Notifier)
        {
            throw new ArgumentException("--Section:Key=value settings are for the broker host: use them with --notifier.");
        }

        return new BenchSettings(port, maxStreams, allocationProfile, mode, hostConfiguration);
    }

    /// <summary>The port Kestrel bound (the one asked for, or the one the OS chose for port 0).</summary>
    public static int BoundPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        return new Uri(addresses.Addresses.Single()).Port;
    }

    private static int ParseValue(string[] args, int index) =>
        index < args.Length && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{args[index - 1]} needs a non-negative integer.");
}

/// <summary>What the bench server hosts.</summary>
internal enum BenchMode
{
    /// <summary>nbbench.v1.Bench on Grpc.AspNetCore, the bare-Kestrel ceilings and the bare fan-out.</summary>
    Bench,

    /// <summary>The real broker (BrokerHost, as NotifyBroker.Server builds it).</summary>
    Notifier,

    /// <summary>notify.v1.Notifier Subscribe/Broadcast as a plain grpc-dotnet fan-out (see NaiveHubService).</summary>
    NaiveHub,
}
