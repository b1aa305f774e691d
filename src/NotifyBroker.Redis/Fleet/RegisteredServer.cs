using System.Text.Json.Serialization;
using NotifyBroker.Core.Fleet;

namespace NotifyBroker.Redis.Fleet;

/// <summary>A broker's registration as stored in its lease key.</summary>
public sealed record RegisteredServer(string Name, FleetDesktopKind Desktop, string Host, long HeartbeatMs, long StartedMs);

/// <summary>Source-generated JSON for the registry (no reflection).</summary>
[JsonSerializable(typeof(RegisteredServer))]
internal sealed partial class FleetJson : JsonSerializerContext;
