namespace NotifyBroker.Grpc.Client;

/// <summary>Per-call options. The default value means: no extra headers, no deadline, not cancellable.</summary>
public readonly record struct CallOptions
{
    /// <summary>Custom metadata sent as request headers ("-bin" keys are base64-encoded on the wire).</summary>
    public Metadata? Headers { get; init; }

    /// <summary>
    /// When the call must be finished (UTC; local times are converted). It is sent as grpc-timeout, and the call fails
    /// locally with DEADLINE_EXCEEDED when it passes. Null or <see cref="DateTime.MaxValue"/> means no deadline.
    /// </summary>
    public DateTime? Deadline { get; init; }

    /// <summary>Cancels the call: the server gets RST_STREAM(CANCEL), the caller gets CANCELLED.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Options for request messages (e.g. <see cref="WriteFlags.NoCompress"/>, <see cref="WriteFlags.BufferHint"/>).</summary>
    public WriteOptions? WriteOptions { get; init; }

    /// <summary>Overrides <see cref="GrpcChannelOptions.CompressionEncoding"/> for this call ("gzip" or "identity").</summary>
    public string? CompressionEncoding { get; init; }

    /// <summary>Options with a deadline <paramref name="timeout"/> from now.</summary>
    public static CallOptions WithTimeout(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        new() { Deadline = DateTime.UtcNow + timeout, CancellationToken = cancellationToken };
}
