namespace NotifyBroker.Redis;

/// <summary>"Redis": where the shared engine lives. Used when "Broker:Engine" is "Redis".</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. "127.0.0.1:6379" or "redis1:6379,password=...,ssl=true".</summary>
    public string Configuration { get; set; } = "127.0.0.1:6379";

    /// <summary>Prefix of every key and channel, so that several fleets can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "notify:";
}
