namespace NotifyBroker.Redis.Fleet;

/// <summary>Server names compare as Windows computer names do: without case, and without a leading "\\".</summary>
public static class FleetNames
{
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bare = name.StartsWith(@"\\", StringComparison.Ordinal) ? name[2..] : name;
        return bare.ToUpperInvariant();
    }
}
