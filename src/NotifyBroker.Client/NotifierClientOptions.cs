namespace NotifyBroker.Client;

/// <summary>Settings of a <see cref="NotifierClient"/>.</summary>
public sealed class NotifierClientOptions
{
    /// <summary>
    /// The broker, e.g. http://localhost:50051. Used by
    /// <see cref="NotifierClientServiceCollectionExtensions.AddNotifierClient"/>; the constructors take theirs directly.
    /// </summary>
    public Uri? Address { get; set; }

    /// <summary>
    /// The key (or JWT) every call sends as "authorization: Bearer …". Null (the default): for a broker on a loopback
    /// address, the key a local broker wrote to the per-user credentials file (see
    /// <see cref="Contracts.Credentials.LocalCredentials"/>); none otherwise. Used by the address constructor and by
    /// <see cref="NotifierClientServiceCollectionExtensions.AddNotifierClient"/>; a channel you build carries its own.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Where to look for the local credentials file instead of $NOTIFY_CREDENTIALS or the per-user default.</summary>
    public string? CredentialsFile { get; set; }

    /// <summary>
    /// The deadline of each unary call (Send, Broadcast, the alias calls), from when it starts, unless the call passes
    /// its own in <see cref="global::Grpc.Core.CallOptions.Deadline"/> (<see cref="DateTime.MaxValue"/> there
    /// means none). Null (the default): no deadline beyond the caller's cancellation token. Subscriptions never get
    /// one: they are meant to stay open.
    /// </summary>
    public TimeSpan? CallTimeout { get; set; }

    /// <summary>How subscriptions resume, unless a SubscribeAsync call passes its own.</summary>
    public SubscriptionOptions Subscriptions { get; set; } = new();
}
