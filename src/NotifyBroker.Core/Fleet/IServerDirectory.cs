namespace NotifyBroker.Core.Fleet;

/// <summary>The kind of desktop a broker of the fleet serves.</summary>
public enum FleetDesktopKind
{
    InMemory = 1,
    Win32 = 2,
}

/// <summary>One broker of the fleet, as ListServers shows it.</summary>
/// <param name="Name">The broker's name: the server_name that routes to it.</param>
/// <param name="Desktop">The kind of desktop it serves.</param>
/// <param name="Host">The host whose desktop it serves.</param>
/// <param name="LastHeartbeat">When it last said it was alive.</param>
/// <param name="Started">When it started.</param>
/// <param name="Self">True for the broker that answers.</param>
public sealed record ServerEntry(string Name, FleetDesktopKind Desktop, string Host, DateTimeOffset LastHeartbeat, DateTimeOffset Started, bool Self);

/// <summary>
/// The routing seam: which brokers make up the fleet. The default (<see cref="LocalServerDirectory"/>) knows only
/// this broker, so any other server_name stays NERR_InvalidComputer (2351) and ListServers lists only itself. A
/// shared directory (e.g. over Redis) lists the other live brokers and routes calls to them.
/// </summary>
public interface IServerDirectory
{
    /// <summary>The brokers of the fleet, ordered by name; this broker is among them with <see cref="ServerEntry.Self"/>.</summary>
    ValueTask<IReadOnlyList<ServerEntry>> ListAsync(CancellationToken cancellationToken = default);
}

/// <summary>The directory of a broker on its own: only itself.</summary>
public sealed class LocalServerDirectory : IServerDirectory
{
    private readonly ServerEntry _self;

    public LocalServerDirectory(string name, FleetDesktopKind desktop, string host, DateTimeOffset started)
    {
        _self = new ServerEntry(name, desktop, host, started, started, Self: true);
    }

    public ValueTask<IReadOnlyList<ServerEntry>> ListAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<ServerEntry>>([_self]);
}
