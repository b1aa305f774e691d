namespace NotifyBroker.Core;

/// <summary>
/// The broker core's settings, bound from the "Broker" configuration section (plain settable properties, so the
/// standard configuration binder fills them from appsettings.json, environment variables or the command line).
/// </summary>
public sealed class BrokerOptions
{
    public const string SectionName = "Broker";

    /// <summary>The broker's name: the servername Send and the alias calls accept. Empty means the desktop's host name.</summary>
    public string Name { get; set; } = "";

    /// <summary>How many events history holds at most (also the furthest any subscription can fall behind).</summary>
    public int HistoryMaxCount { get; set; } = 10_000;

    /// <summary>How long history holds an event.</summary>
    public TimeSpan HistoryMaxAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many of the live events it would receive (its filter and visibility) a subscription may fall behind before it is ended with an overflow.</summary>
    public int SubscriberQueueCapacity { get; set; } = 1024;

    /// <summary>Longest Send text, in UTF-16 code units.</summary>
    public int MaxTextLength { get; set; } = 1024;

    /// <summary>Per-window wait of a synchronous broadcast when the request gives none.</summary>
    public TimeSpan DefaultBroadcastTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the host sends a keepalive on an idle stream when the subscriber asks for no interval.</summary>
    public TimeSpan DefaultKeepaliveInterval { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>How many names the alias table holds at most (NERR_TooManyNames beyond).</summary>
    public int MaxAliases { get; set; } = 4096;

    /// <summary>How many filter entries (ids, ranges, names, aliases together) one subscription may give.</summary>
    public int MaxFilterEntries { get; set; } = 256;

    /// <summary>
    /// Largest event the broker accepts, in bytes of its notify.v1.Event encoding (estimated before it is encoded).
    /// 1 MiB by default, so that every accepted event fits any client's default 4 MiB receive limit.
    /// </summary>
    public int MaxEventBytes { get; set; } = 1024 * 1024;

    /// <summary>How many bytes of events history holds at most, besides <see cref="HistoryMaxCount"/> and <see cref="HistoryMaxAge"/>.</summary>
    public long HistoryMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>How many bytes of events one stream writes before it flushes and waits for the client (its in-flight batch).</summary>
    public int MaxBatchBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long a stream may take to drain what it has written before it is ended with a resume position, whether
    /// or not it has fallen behind by <see cref="SubscriberQueueCapacity"/> events.
    /// </summary>
    public TimeSpan StreamDrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest from_name of a Send, in UTF-16 code units.</summary>
    public int MaxFromNameLength { get; set; } = 256;

    /// <summary>Longest title of a Send (its message box caption on the session path), in UTF-16 code units.</summary>
    public int MaxTitleLength { get; set; } = 256;

    /// <summary>How many aliases one identity may own (registered or held) at once; admins are bounded only by <see cref="MaxAliases"/>.</summary>
    public int MaxAliasesPerIdentity { get; set; } = 64;

    /// <summary>What may be broadcast, and the per-identity bounds on registered names ("Broker:Policy").</summary>
    public Policy.BroadcastPolicyOptions Policy { get; set; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(HistoryMaxCount, 1, nameof(HistoryMaxCount));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HistoryMaxAge, TimeSpan.Zero, nameof(HistoryMaxAge));
        ArgumentOutOfRangeException.ThrowIfLessThan(SubscriberQueueCapacity, 1, nameof(SubscriberQueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTextLength, 0, nameof(MaxTextLength));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DefaultBroadcastTimeout, TimeSpan.Zero, nameof(DefaultBroadcastTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DefaultKeepaliveInterval, TimeSpan.Zero, nameof(DefaultKeepaliveInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAliases, 1, nameof(MaxAliases));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFilterEntries, 0, nameof(MaxFilterEntries));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEventBytes, 1024, nameof(MaxEventBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(HistoryMaxBytes, MaxEventBytes, nameof(HistoryMaxBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchBytes, 1, nameof(MaxBatchBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StreamDrainTimeout, TimeSpan.Zero, nameof(StreamDrainTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFromNameLength, 0, nameof(MaxFromNameLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTitleLength, 0, nameof(MaxTitleLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAliasesPerIdentity, 1, nameof(MaxAliasesPerIdentity));
        ArgumentNullException.ThrowIfNull(Policy, nameof(Policy));
        Policy.Validate();
    }
}
