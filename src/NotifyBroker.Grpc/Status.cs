namespace NotifyBroker.Grpc;

/// <summary>
/// The outcome of a call: grpc-status, grpc-message and, optionally, the rich error model's google.rpc.Status that
/// travels in grpc-status-details-bin.
/// </summary>
public readonly record struct Status(StatusCode StatusCode, string Detail)
{
    public static readonly Status DefaultSuccess = new(StatusCode.OK, string.Empty);
    public static readonly Status DefaultCancelled = new(StatusCode.Cancelled, string.Empty);

    /// <summary>
    /// The google.rpc.Status sent as grpc-status-details-bin, or null. Its code and message should match
    /// <see cref="StatusCode"/> and <see cref="Detail"/>.
    /// </summary>
    public Google.Rpc.Status? RichStatus { get; init; }

    public override string ToString() =>
        $"Status(StatusCode=\"{StatusCode}\", Detail=\"{Detail}\"{(RichStatus is null ? string.Empty : ", with details")})";
}
